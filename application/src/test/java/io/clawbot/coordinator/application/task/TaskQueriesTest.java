package io.clawbot.coordinator.application.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.application.fakes.UseCases;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskQuery;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskQueriesTest {

    private final FakeWorld world = new FakeWorld();
    private final UseCases app = new UseCases(world);
    private final TaskQueries queries = app.queries;

    private Task submit(String type, int priority) {
        world.clock.advance(Duration.ofSeconds(1));
        return app.submit.submit(new SubmitTaskCommand(TaskSpec.of(type, priority, null, null), null))
                .await().indefinitely().resource();
    }

    private List<Task> list(TaskQuery query, PageRequest page) {
        return queries.list(query, page).await().indefinitely();
    }

    @Test
    void pending_work_is_listed_in_claim_order_highest_priority_then_oldest() {
        Task low = submit("render", -5);
        Task highOld = submit("render", 10);
        Task normal = submit("render", 0);
        Task highNew = submit("render", 10);
        submit("encode", 100);

        assertThat(list(TaskQuery.pending("render"), PageRequest.first(10))).extracting(Task::id)
                .containsExactly(highOld.id(), highNew.id(), normal.id(), low.id());
    }

    @Test
    void the_default_order_is_oldest_first() {
        Task first = submit("render", 0);
        Task second = submit("encode", 50);

        assertThat(list(new TaskQuery(null, null, null, null, null), PageRequest.first(10))).extracting(Task::id)
                .containsExactly(first.id(), second.id());
    }

    @Test
    void tasks_are_filtered_by_status_and_bot() {
        Bot bot = world.onlineBot("r1", "render");
        Task taken = submit("render", 0);
        Task open = submit("render", 0);
        app.assign.assign(taken.id(), bot.id()).await().indefinitely();

        assertThat(list(new TaskQuery(null, bot.id(), null, null, null), PageRequest.first(10)))
                .extracting(Task::id).containsExactly(taken.id());
        assertThat(list(new TaskQuery(TaskStatus.PENDING, null, null, null, null), PageRequest.first(10)))
                .extracting(Task::id).containsExactly(open.id());
        assertThat(list(new TaskQuery(TaskStatus.ASSIGNED, null, null, "encode", null), PageRequest.first(10)))
                .isEmpty();
    }

    @Test
    void a_page_is_a_window_over_the_ordered_list() {
        submit("render", 0);
        Task second = submit("render", 0);
        Task third = submit("render", 0);
        submit("render", 0);

        assertThat(list(new TaskQuery(null, null, null, null, null), new PageRequest(2, 1))).extracting(Task::id)
                .containsExactly(second.id(), third.id());
        assertThat(list(new TaskQuery(null, null, null, null, null), new PageRequest(10, 4))).isEmpty();
    }

    private static io.smallrye.mutiny.Uni<io.clawbot.coordinator.domain.task.Task> reportTask(UseCases app,
            io.clawbot.coordinator.application.task.TaskReport report) {
        return app.report.report(report).map(io.clawbot.coordinator.application.task.Reported::task);
    }
}
