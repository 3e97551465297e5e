package io.clawbot.coordinator.application.task;

import io.clawbot.coordinator.domain.common.JsonObjects;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Fence;
import java.util.Map;
import java.util.Objects;

/**
 * A report about a task from whoever works on it or operates it: started, completed with a result, or failed
 * with an error. The fence makes stale or duplicate reports harmless.
 */
public sealed interface TaskReport {

    int MAX_ERROR_LENGTH = 10_000;

    TaskId taskId();

    Fence fence();

    Actor actor();

    record Start(TaskId taskId, Fence fence, Actor actor) implements TaskReport {
        public Start {
            Objects.requireNonNull(taskId, "taskId");
            fence = fence == null ? Fence.none() : fence;
            actor = actor == null ? Actor.api() : actor;
        }
    }

    record Complete(TaskId taskId, Fence fence, Actor actor, Map<String, Object> result) implements TaskReport {
        public Complete {
            Objects.requireNonNull(taskId, "taskId");
            fence = fence == null ? Fence.none() : fence;
            actor = actor == null ? Actor.api() : actor;
            result = JsonObjects.copyOf(result);
        }
    }

    /**
     * A failed attempt.
     *
     * @param errorCode optional short code that the task's retry policy may name as not worth retrying
     */
    record Fail(TaskId taskId, Fence fence, Actor actor, String error, String errorCode) implements TaskReport {
        public Fail {
            Objects.requireNonNull(taskId, "taskId");
            fence = fence == null ? Fence.none() : fence;
            actor = actor == null ? Actor.api() : actor;
            error = Names.required("error", error, MAX_ERROR_LENGTH);
            if (errorCode != null) {
                Names.token("error_code", errorCode);
            }
        }

        public Fail(TaskId taskId, Fence fence, Actor actor, String error) {
            this(taskId, fence, actor, error, null);
        }
    }
}
