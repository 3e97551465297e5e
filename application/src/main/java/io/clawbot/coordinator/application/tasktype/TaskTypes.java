package io.clawbot.coordinator.application.tasktype;

import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.tasktype.TaskType;
import io.clawbot.coordinator.domain.tasktype.port.SchemaCheck;
import io.clawbot.coordinator.domain.tasktype.port.TaskTypeStore;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The task type registry: registering, replacing and removing types, and what a submission of a type must meet.
 * Submissions read types through a per-replica cache of {@link #CACHE_FOR}: a change made on another replica
 * reaches this one's submissions within that time, and a submission costs no query for its type.
 */
public final class TaskTypes {

    public static final Duration CACHE_FOR = Duration.ofSeconds(5);

    private record Cached(Optional<TaskType> type, Instant until) {
    }

    private final TaskTypeStore store;
    private final SchemaCheck schemas;
    private final InstantSource clock;
    private final boolean strict;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param strict whether a task of an unregistered type is refused ({@code coordinator.task-types.strict});
     *        otherwise it is accepted unchecked
     */
    public TaskTypes(TaskTypeStore store, SchemaCheck schemas, InstantSource clock, boolean strict) {
        this.store = store;
        this.schemas = schemas;
        this.clock = clock;
        this.strict = strict;
    }

    /** Registers a new type; 409 when the name is taken. */
    public Uni<TaskType> register(TaskType draft) {
        checkSchemas(draft);
        Instant now = clock.instant();
        TaskType type = new TaskType(draft.name(), draft.description(), draft.payloadSchema(), draft.resultSchema(),
                draft.priority(), draft.timeoutSeconds(), draft.retry(), draft.keys(), now, now, 0);
        return store.create(type).invoke(created -> cache.remove(created.name()));
    }

    /** Replaces a type's definition, or registers it when there is none. */
    public Uni<TaskType> put(TaskType draft) {
        checkSchemas(draft);
        return store.find(draft.name()).flatMap(existing -> existing == null
                ? register(draft)
                : store.replace(existing.replacedBy(draft, clock.instant()), existing.version()))
                .invoke(saved -> cache.remove(saved.name()));
    }

    public Uni<TaskType> get(String name) {
        return store.find(name).onItem().ifNull().failWith(() -> new NotFoundException("task-type", name));
    }

    public Uni<List<TaskType>> list() {
        return store.list();
    }

    /** Removes a type: its tasks stay, and new ones are no longer checked (or refused, when strict). */
    public Uni<Void> delete(String name) {
        return store.delete(name).invoke(() -> cache.remove(name)).flatMap(deleted -> deleted
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(new NotFoundException("task-type", name)));
    }

    /**
     * The registered type of a submission, checked: its payload meets the type's schema; an unregistered type is
     * refused when the registry is strict. {@code null} for a task without a type, or of an unregistered type
     * when that is allowed.
     *
     * @param field where the payload sits in the request, for the problem's {@code field}
     * @param typeField where the type sits in the request
     */
    public Uni<TaskType> check(String type, Map<String, Object> payload, String field, String typeField) {
        if (type == null) {
            return Uni.createFrom().nullItem();
        }
        return lookUp(type).map(found -> check(found, new Submission(type, payload, field, typeField)));
    }

    /** One document of a submission with many (a workflow's steps): its type, and where it sits. */
    public record Submission(String type, Map<String, Object> payload, String field, String typeField) {
    }

    /**
     * Checks many documents, in their order, reading each distinct type once; the first that fails decides.
     */
    public Uni<Void> checkAll(List<Submission> submissions) {
        return lookUpAll(submissions.stream().map(Submission::type).toList()).invoke(found -> {
            for (Submission s : submissions) {
                if (s.type() != null) {
                    check(found.get(s.type()), s);
                }
            }
        }).replaceWithVoid();
    }

    /**
     * The registered types of these names, each distinct name read once (through the cache); a name with no type
     * maps to empty. {@code null} names are left out.
     */
    public Uni<Map<String, Optional<TaskType>>> lookUpAll(List<String> names) {
        List<String> distinct = names.stream().filter(java.util.Objects::nonNull).distinct().toList();
        if (distinct.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return io.smallrye.mutiny.Multi.createFrom().iterable(distinct)
                .onItem().transformToUniAndConcatenate(name -> lookUp(name).map(found -> Map.entry(name, found)))
                .collect().asMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /**
     * Checks one submission against its type as read by {@link #lookUpAll}, as {@link #check(String, Map, String,
     * String)} does: its registered type, or {@code null}.
     */
    public TaskType checked(Map<String, Optional<TaskType>> found, Submission s) {
        if (s.type() == null) {
            return null;
        }
        return check(found.getOrDefault(s.type(), Optional.empty()), s);
    }

    private TaskType check(Optional<TaskType> found, Submission s) {
        if (found.isEmpty()) {
            if (strict) {
                throw new ValidationException(s.typeField(), "'" + s.type() + "' is not a registered task type, and"
                        + " this coordinator accepts registered types only (coordinator.task-types.strict)");
            }
            return null;
        }
        found.get().check(s.field(), s.payload(), schemas);
        return found.get();
    }

    private Uni<Optional<TaskType>> lookUp(String name) {
        Instant now = clock.instant();
        Cached cached = cache.get(name);
        if (cached != null && cached.until().isAfter(now)) {
            return Uni.createFrom().item(cached.type());
        }
        return store.find(name).map(Optional::ofNullable)
                .invoke(found -> cache.put(name, new Cached(found, now.plus(CACHE_FOR))));
    }

    private void checkSchemas(TaskType draft) {
        if (draft.payloadSchema() != null) {
            schemas.requireValidSchema("payload_schema", draft.payloadSchema());
        }
        if (draft.resultSchema() != null) {
            schemas.requireValidSchema("result_schema", draft.resultSchema());
        }
    }
}
