package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.port.TaskStore.NewTask;
import io.clawbot.coordinator.domain.task.port.TaskStore.Stored;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the idempotency keys of a batch of new tasks are judged, the same for every store: the first task under a
 * key claims it for its request, unless the key was stored before; every other task under the key replays the
 * task its claim names when it is the same request (the same fingerprint), and is refused when it is another.
 */
public final class KeyedBatch {

    /** A key as stored: the request it was first used for, and the task created for it. */
    public record Claim(String fingerprint, TaskId id) {
    }

    private KeyedBatch() {
    }

    /** The first task of the batch under each key, in the batch's order: the claims a store tries to make. */
    public static Map<String, NewTask> claimants(List<NewTask> tasks) {
        Map<String, NewTask> first = new LinkedHashMap<>();
        for (NewTask task : tasks) {
            if (task.key() != null) {
                first.putIfAbsent(task.key().key(), task);
            }
        }
        return first;
    }

    /**
     * @param stored the claims stored before this batch, by key, for the keys the batch could not claim; a key of
     *        the batch absent here was claimed by its first task
     * @return one outcome per task, in order
     */
    public static List<Stored> outcomes(List<NewTask> tasks, Map<String, Claim> stored) {
        Map<String, NewTask> claimants = claimants(tasks);
        List<Stored> out = new ArrayList<>(tasks.size());
        for (NewTask task : tasks) {
            if (task.key() == null) {
                out.add(new Stored(Stored.Outcome.CREATED, task.task().id()));
                continue;
            }
            String key = task.key().key();
            Claim before = stored.get(key);
            NewTask claimant = claimants.get(key);
            Claim owner = before != null ? before : new Claim(claimant.key().fingerprint(), claimant.task().id());
            if (!owner.fingerprint().equals(task.key().fingerprint())) {
                out.add(new Stored(Stored.Outcome.KEY_REUSED, null));
            } else if (before == null && claimant == task) {
                out.add(new Stored(Stored.Outcome.CREATED, task.task().id()));
            } else {
                out.add(new Stored(Stored.Outcome.REPLAYED, owner.id()));
            }
        }
        return out;
    }
}
