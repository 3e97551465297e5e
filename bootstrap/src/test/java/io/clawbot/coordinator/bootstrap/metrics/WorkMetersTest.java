package io.clawbot.coordinator.bootstrap.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WorkMetersTest {

    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    private static Task task(String type) {
        return Task.create(new TaskId(UUID.randomUUID()), new TaskSpec(type, 0, Map.of(), 60), NOW);
    }

    @Test
    void task_types_are_labels_up_to_a_bound_and_the_rest_count_together() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        WorkMeters meters = new WorkMeters(registry);
        for (int i = 0; i < WorkMeters.MAX_TYPES + 50; i++) {
            Task task = task("type-" + i);
            meters.moved(null, task, TaskTransitioned.created(task, Actor.api()));
        }
        Task untyped = task(null);
        meters.moved(null, untyped, TaskTransitioned.created(untyped, Actor.api()));

        var created = registry.find("clawbot.tasks.created").counters();
        assertThat(created).hasSize(WorkMeters.MAX_TYPES + 1);
        assertThat(registry.get("clawbot.tasks.created").tag("type", WorkMeters.OTHER).counter().count())
                .isEqualTo(51.0);
        assertThat(registry.get("clawbot.tasks.created").tag("type", "type-0").counter().count()).isEqualTo(1.0);
    }

    @Test
    void a_listener_that_throws_neither_fails_the_write_nor_silences_the_next() {
        List<String> heard = new ArrayList<>();
        WorkMetrics throwing = new WorkMetrics() {
            @Override
            public void moved(Task before, Task task, TaskTransitioned event) {
                throw new IllegalStateException("broken listener");
            }

            @Override
            public void workflowEnded(Workflow workflow) {
                throw new IllegalStateException("broken listener");
            }
        };
        WorkMetrics listening = new WorkMetrics() {
            @Override
            public void moved(Task before, Task task, TaskTransitioned event) {
                heard.add(task.type());
            }
        };
        WorkMetrics both = new ObservabilityWiring.Both(throwing, listening);
        Task task = task("render");

        both.moved(null, task, TaskTransitioned.created(task, Actor.api()));

        assertThat(heard).containsExactly("render");
    }
}
