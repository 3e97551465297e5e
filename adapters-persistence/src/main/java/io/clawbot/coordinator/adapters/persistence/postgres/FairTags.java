package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.Task;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fair share tags of tasks about to be created (docs/adr/0015), reserved in one autocommitted statement
 * ({@link TaskRows#RESERVE_TAGS}) before the creation's own statements: each key (per type) moves on by the steps
 * of its tasks, and its tasks take consecutive tags in their order, as {@link FairShare} says.
 */
final class FairTags {

    private FairTags() {
    }

    /** A key of the creation: its type's name ("" for none) and its fair share key. */
    private record Key(String type, String key) {
    }

    /** What a key's tasks ask of the reservation: the sum of their steps, their highest priority, whether untyped. */
    private static final class Group {
        double span;
        int priority = Integer.MIN_VALUE;
        boolean untyped;
    }

    /** Reserves the tasks' tags; each task's tag by id. */
    static Uni<Map<TaskId, Double>> reserve(Pool pool, List<Task> tasks) {
        if (tasks.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        Map<Key, Group> groups = new LinkedHashMap<>();
        for (Task task : tasks) {
            Group group = groups.computeIfAbsent(keyOf(task), k -> new Group());
            group.span += FairShare.step(task);
            group.priority = Math.max(group.priority, task.priority());
            group.untyped = task.type() == null;
        }
        int n = groups.size();
        String[] types = new String[n];
        String[] keys = new String[n];
        Double[] spans = new Double[n];
        Integer[] priorities = new Integer[n];
        Boolean[] untyped = new Boolean[n];
        int i = 0;
        for (Map.Entry<Key, Group> e : groups.entrySet()) {
            types[i] = e.getKey().type();
            keys[i] = e.getKey().key();
            spans[i] = e.getValue().span;
            priorities[i] = e.getValue().priority;
            untyped[i] = e.getValue().untyped;
            i++;
        }
        return pool.preparedQuery(TaskRows.RESERVE_TAGS)
                .execute(Tuple.from(new Object[]{ types, keys, spans, priorities, untyped }))
                .map(rows -> {
                    Map<Key, Double> next = new HashMap<>();
                    for (Row row : rows) {
                        next.put(new Key(row.getString("type"), row.getString("key")),
                                row.getDouble("finish") - row.getDouble("span"));
                    }
                    Map<TaskId, Double> tags = new HashMap<>();
                    for (Task task : tasks) {
                        double tag = next.merge(keyOf(task), FairShare.step(task), Double::sum);
                        tags.put(task.id(), tag);
                    }
                    return tags;
                });
    }

    private static Key keyOf(Task task) {
        return new Key(task.type() == null ? "" : task.type(), FairShare.keyOf(task));
    }
}
