package io.clawbot.coordinator.adapters.rest.task;

import io.clawbot.coordinator.adapters.rest.task.TaskDtos.ProgressResponse;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.TaskEventResponse;
import io.clawbot.coordinator.adapters.rest.task.TaskDtos.TaskResponse;
import io.clawbot.coordinator.application.task.TaskQueries;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One client's stream of a task: turns each new state of the task into the events the client has not had yet.
 * The history entries are numbered from 1 in the order written, which is the order they are sent in, so a client
 * that reconnects with the last number it got misses none and gets none twice.
 */
final class TaskStream {

    static final String TASK = "task";
    static final String TRANSITION = "transition";
    static final String PROGRESS = "progress";
    static final String END = "end";

    private final Sse sse;
    private final TaskQueries queries;
    private boolean started;
    private int sentEntries;
    private long version = -1;
    private Instant progressAt;

    TaskStream(Sse sse, TaskQueries queries, int resumeAfter) {
        this.sse = sse;
        this.queries = queries;
        this.sentEntries = resumeAfter;
    }

    /** The events that {@code task}, the task's state now, makes new to this client. */
    Multi<OutboundSseEvent> events(Task task) {
        List<OutboundSseEvent> now = new ArrayList<>();
        if (!started) {
            started = true;
            now.add(event(TASK, null, TaskResponse.of(task)));
        }
        if (task.progress() != null && !task.progress().reportedAt().equals(progressAt)) {
            progressAt = task.progress().reportedAt();
            now.add(event(PROGRESS, null, ProgressResponse.of(task.progress())));
        }
        if (task.version() == version) {
            return Multi.createFrom().iterable(now);
        }
        version = task.version();
        return queries.history(task.id()).onItem().transformToMulti(history -> {
            List<OutboundSseEvent> events = new ArrayList<>(now);
            for (int i = sentEntries; i < history.size(); i++) {
                TaskTransitioned entry = history.get(i);
                events.add(event(TRANSITION, String.valueOf(i + 1), TaskEventResponse.of(entry)));
            }
            sentEntries = Math.max(sentEntries, history.size());
            if (task.status().isTerminal()) {
                events.add(event(END, null, TaskResponse.of(task)));
            }
            return Multi.createFrom().iterable(events);
        });
    }

    private OutboundSseEvent event(String name, String id, Object data) {
        OutboundSseEvent.Builder builder = sse.newEventBuilder().name(name).mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(data);
        if (id != null) {
            builder.id(id);
        }
        return builder.build();
    }
}
