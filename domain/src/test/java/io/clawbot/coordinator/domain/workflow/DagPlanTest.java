package io.clawbot.coordinator.domain.workflow;

import static io.clawbot.coordinator.domain.testing.Tasks.aTask;
import static io.clawbot.coordinator.domain.testing.Times.T0;
import static io.clawbot.coordinator.domain.testing.Times.T1;
import static io.clawbot.coordinator.domain.testing.Times.T2;
import static io.clawbot.coordinator.domain.testing.Times.T3;
import static io.clawbot.coordinator.domain.testing.Times.T4;
import static io.clawbot.coordinator.domain.testing.Transitions.changed;
import static io.clawbot.coordinator.domain.testing.Transitions.rejected;
import static io.clawbot.coordinator.domain.testing.Transitions.unchanged;
import static io.clawbot.coordinator.domain.workflow.WorkflowDefinitionTest.doc;
import static io.clawbot.coordinator.domain.workflow.WorkflowDefinitionTest.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.testing.Bots;
import io.clawbot.coordinator.domain.testing.Ids;
import io.clawbot.coordinator.domain.testing.Tasks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class DagPlanTest {

    private static final String REASON = "stopped by user";

    private final WorkflowId workflowId = Ids.workflowId();
    private final Bot bot = Bots.aBot().withCapabilities("validation", "processing", "integration").online(T0)
            .build();
    private final WorkflowDefinition seed001 = WorkflowDocument.parse(WorkflowDefinitionTest.seed001());

    // ---- step states; a later state keeps the id and position of the step it follows

    private Task waiting(int position) {
        return aTask().stepOf(workflowId, position).waiting().version(2).build();
    }

    private List<Task> waitingSteps(int count) {
        List<Task> steps = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            steps.add(waiting(i));
        }
        return steps;
    }

    private Tasks after(Task step) {
        return aTask().id(step.id()).stepOf(workflowId, step.workflowPosition()).version(step.version() + 1);
    }

    private Task pending(Task step) {
        return after(step).pending().build();
    }

    private Task assigned(Task step) {
        return after(step).assignedTo(bot, 1).build();
    }

    private Task inProgress(Task step) {
        return after(step).inProgressOn(bot, 1).build();
    }

    private Task completed(Task step, Map<String, Object> result) {
        return after(step).completedOn(bot, 1, result).build();
    }

    private Task completed(Task step) {
        return completed(step, Map.of("ok", true));
    }

    private Task failed(Task step) {
        return after(step).failedOn(bot, 1, "boom").build();
    }

    private Task timedOut(Task step) {
        return after(step).failedOn(bot, 1, "execution_timeout: too slow").status(TaskStatus.TIMED_OUT).build();
    }

    private Task cancelled(Task step) {
        return after(step).cancelled("cancelled by user").build();
    }

    private Task skipped(Task step) {
        return after(step).cancelled("skipped: not reached").status(TaskStatus.SKIPPED).build();
    }

    // ---- running the plan

    private Workflow workflow(WorkflowDefinition definition, Map<String, Object> input, List<Task> steps) {
        return Workflow.create(workflowId, definition, input, Map.of("team", "data"),
                steps.stream().map(Task::id).toList(), true, T0);
    }

    private Workflow running(WorkflowDefinition definition, List<Task> steps) {
        return workflow(definition, Map.of(), steps).withStatus(WorkflowStatus.IN_PROGRESS, T1);
    }

    private static TaskChanges advance(Workflow workflow, List<Task> steps, Task changed) {
        return TaskChanges.builder().advance(DagPlan.advance(workflow, steps, changed, T4)).build();
    }

    /** Position -> next status of every task in the changes, in the order they were added. */
    private static Map<Integer, TaskStatus> moved(TaskChanges changes) {
        Map<Integer, TaskStatus> out = new LinkedHashMap<>();
        changes.tasks().forEach(v -> out.put(v.next().workflowPosition(), v.next().status()));
        return out;
    }

    private static Task nextOf(TaskChanges changes, Task step) {
        return changes.tasks().stream().map(TaskChanges.Versioned::next).filter(t -> t.id().equals(step.id()))
                .findFirst().orElseGet(() -> fail("no change for step " + step.workflowPosition()));
    }

    private static TaskTransitioned eventOf(TaskChanges changes, Task step) {
        return changes.events().stream().filter(e -> e.taskId().equals(step.id())).findFirst()
                .orElseGet(() -> fail("no event for step " + step.workflowPosition()));
    }

    private static WorkflowStatus workflowStatus(TaskChanges changes) {
        assertThat(changes.workflows()).hasSize(1);
        return changes.workflows().get(0).next().status();
    }

    private static List<Task> with(List<Task> steps, Task... replacements) {
        List<Task> out = new ArrayList<>(steps);
        for (Task r : replacements) {
            out.set(r.workflowPosition(), r);
        }
        return out;
    }

    @Nested
    class Seed001SuccessPath {

        private final List<Task> steps = waitingSteps(4);
        private final Task validate = steps.get(0);
        private final Task process = steps.get(1);
        private final Task save = steps.get(2);
        private final Task alert = steps.get(3);

        @Test
        void validate_completing_makes_process_and_the_always_run_alert_pending() {
            List<Task> before = with(steps, inProgress(validate));
            Workflow workflow = running(seed001, before);

            TaskChanges changes = advance(workflow, before, completed(validate, Map.of("rows", 10)));

            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.PENDING),
                    Map.entry(3, TaskStatus.PENDING));
            assertThat(nextOf(changes, process).payload()).isEqualTo(Map.of("operation", "transform"));
            assertThat(nextOf(changes, process).updatedAt()).isEqualTo(T4);
            assertThat(nextOf(changes, alert).payload()).isEqualTo(Map.of("channel", "slack-alerts"));
            assertThat(eventOf(changes, process).reason()).isEqualTo("branch taken: 'validate' completed (on_success)");
            assertThat(eventOf(changes, alert).reason()).isEqualTo("always_run: validate ended");
            assertThat(changes.events()).extracting(TaskTransitioned::cause).containsOnly("ready");
            assertThat(changes.events()).extracting(TaskTransitioned::actor).containsOnly(Actor.system());
            assertThat(changes.tasks()).extracting(TaskChanges.Versioned::expectedVersion).containsOnly(2L);
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.IN_PROGRESS);
        }

        @Test
        void validate_completing_moves_a_pending_workflow_to_in_progress() {
            List<Task> before = with(steps, pending(validate));
            Workflow workflow = workflow(seed001, Map.of(), before);

            TaskChanges changes = advance(workflow, before, completed(validate));

            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.IN_PROGRESS);
            assertThat(changes.workflows().get(0).expectedVersion()).isZero();
            assertThat(changes.workflows().get(0).next().updatedAt()).isEqualTo(T4);
        }

        @Test
        void process_completing_makes_save_pending() {
            List<Task> before = with(steps, completed(validate), inProgress(process), pending(alert));

            TaskChanges changes = advance(running(seed001, before), before, completed(process));

            assertThat(moved(changes)).containsExactly(Map.entry(2, TaskStatus.PENDING));
            assertThat(nextOf(changes, save).payload()).isEqualTo(Map.of("endpoint", "data-store"));
            assertThat(eventOf(changes, save).reason()).isEqualTo("branch taken: 'process' completed (on_success)");
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.IN_PROGRESS);
        }

        @Test
        void the_last_step_completing_completes_the_workflow() {
            List<Task> before = with(steps, completed(validate), completed(process), inProgress(save),
                    completed(alert));

            TaskChanges changes = advance(running(seed001, before), before, completed(save));

            assertThat(changes.tasks()).isEmpty();
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.COMPLETED);
        }

        @Test
        void the_workflow_stays_in_progress_while_alert_is_still_open() {
            List<Task> before = with(steps, completed(validate), completed(process), inProgress(save),
                    assigned(alert));

            TaskChanges changes = advance(running(seed001, before), before, completed(save));

            assertThat(changes.tasks()).isEmpty();
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.IN_PROGRESS);
        }
    }

    @Nested
    class Seed001FailurePath {

        private final List<Task> steps = waitingSteps(4);
        private final Task validate = steps.get(0);
        private final Task process = steps.get(1);
        private final Task save = steps.get(2);
        private final Task alert = steps.get(3);

        @Test
        void validate_failing_runs_alert_and_skips_process_and_save() {
            List<Task> before = with(steps, inProgress(validate));

            TaskChanges changes = advance(running(seed001, before), before, failed(validate));

            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.SKIPPED),
                    Map.entry(3, TaskStatus.PENDING), Map.entry(2, TaskStatus.SKIPPED));
            assertThat(eventOf(changes, alert).reason()).isEqualTo("always_run: validate ended");
            assertThat(eventOf(changes, process).reason()).isEqualTo("skipped: no step took the branch to it");
            assertThat(eventOf(changes, process).cause()).isEqualTo("skipped");
            assertThat(eventOf(changes, save).reason()).isEqualTo("skipped: no step took the branch to it");
            Task skippedSave = nextOf(changes, save);
            assertThat(skippedSave.error()).isEqualTo("skipped: no step took the branch to it");
            assertThat(skippedSave.completedAt()).isEqualTo(T4);
            assertThat(skippedSave.updatedAt()).isEqualTo(T4);
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.IN_PROGRESS);
        }

        @Test
        void validate_timing_out_is_handled_like_a_failure() {
            List<Task> before = with(steps, inProgress(validate));

            TaskChanges changes = advance(running(seed001, before), before, timedOut(validate));

            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.SKIPPED),
                    Map.entry(3, TaskStatus.PENDING), Map.entry(2, TaskStatus.SKIPPED));
        }

        @Test
        void alert_completing_completes_the_workflow_because_the_failure_was_handled() {
            List<Task> before = with(steps, failed(validate), skipped(process), skipped(save), inProgress(alert));

            TaskChanges changes = advance(running(seed001, before), before, completed(alert));

            assertThat(changes.tasks()).isEmpty();
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.COMPLETED);
        }

        @Test
        void alert_failing_too_fails_the_workflow() {
            List<Task> before = with(steps, failed(validate), skipped(process), skipped(save), inProgress(alert));

            TaskChanges changes = advance(running(seed001, before), before, failed(alert));

            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.FAILED);
        }
    }

    @Nested
    class FailureBranches {

        private final WorkflowDefinition definition = WorkflowDocument
                .parse(doc(step("a", "on_failure", "handle"), step("handle", "params", Map.of("why", "a broke"))));
        private final List<Task> steps = waitingSteps(2);

        @Test
        void a_failure_takes_the_on_failure_branch() {
            List<Task> before = with(steps, inProgress(steps.get(0)));

            TaskChanges changes = advance(running(definition, before), before, failed(steps.get(0)));

            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.PENDING));
            assertThat(eventOf(changes, steps.get(1)).reason()).isEqualTo("branch taken: 'a' failed (on_failure)");
            assertThat(nextOf(changes, steps.get(1)).payload()).isEqualTo(Map.of("why", "a broke"));
        }

        @Test
        void a_timeout_takes_the_on_failure_branch() {
            List<Task> before = with(steps, inProgress(steps.get(0)));

            TaskChanges changes = advance(running(definition, before), before, timedOut(steps.get(0)));

            assertThat(eventOf(changes, steps.get(1)).reason()).isEqualTo("branch taken: 'a' timed_out (on_failure)");
        }

        @Test
        void a_success_skips_the_on_failure_branch_and_completes_the_workflow() {
            List<Task> before = with(steps, inProgress(steps.get(0)));

            TaskChanges changes = advance(running(definition, before), before, completed(steps.get(0)));

            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.SKIPPED));
            assertThat(eventOf(changes, steps.get(1)).reason()).isEqualTo("skipped: no step took the branch to it");
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.COMPLETED);
        }

        @Test
        void the_branch_failing_fails_the_workflow() {
            List<Task> before = with(steps, failed(steps.get(0)), inProgress(steps.get(1)));

            TaskChanges changes = advance(running(definition, before), before, failed(steps.get(1)));

            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.FAILED);
        }

        @Test
        void a_branch_named_by_two_steps_waits_for_the_second_when_the_first_did_not_take_it() {
            WorkflowDefinition twoSources = WorkflowDocument.parse(doc(step("a", "on_failure", "alert"),
                    step("b", "on_failure", "alert"), step("alert")));
            List<Task> three = waitingSteps(3);
            List<Task> before = with(three, inProgress(three.get(0)), inProgress(three.get(1)));

            TaskChanges first = advance(running(twoSources, before), before, completed(three.get(0)));

            assertThat(first.tasks()).isEmpty();

            List<Task> later = with(before, completed(three.get(0)));
            TaskChanges second = advance(running(twoSources, later), later, failed(three.get(1)));

            assertThat(moved(second)).containsExactly(Map.entry(2, TaskStatus.PENDING));
            assertThat(eventOf(second, three.get(2)).reason()).isEqualTo("branch taken: 'b' failed (on_failure)");
        }
    }

    @Nested
    class FailureWithoutBranch {

        @Test
        void dependents_are_skipped_in_a_cascade_and_the_workflow_fails() {
            WorkflowDefinition chain = WorkflowDocument.parse(doc(step("a"), step("b", "depends_on", "a"),
                    step("c", "depends_on", "b")));
            List<Task> steps = waitingSteps(3);
            List<Task> before = with(steps, inProgress(steps.get(0)));

            TaskChanges changes = advance(running(chain, before), before, failed(steps.get(0)));

            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.SKIPPED),
                    Map.entry(2, TaskStatus.SKIPPED));
            assertThat(eventOf(changes, steps.get(1)).reason())
                    .isEqualTo("skipped: depends on 'a', which ended failed");
            assertThat(eventOf(changes, steps.get(2)).reason())
                    .isEqualTo("skipped: depends on 'b', which ended skipped");
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.FAILED);
        }

        @Test
        void a_timed_out_dependency_is_named_as_such() {
            WorkflowDefinition chain = WorkflowDocument.parse(doc(step("a"), step("b", "depends_on", "a")));
            List<Task> steps = waitingSteps(2);
            List<Task> before = with(steps, inProgress(steps.get(0)));

            TaskChanges changes = advance(running(chain, before), before, timedOut(steps.get(0)));

            assertThat(eventOf(changes, steps.get(1)).reason())
                    .isEqualTo("skipped: depends on 'a', which ended timed_out");
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.FAILED);
        }

        @Test
        void the_workflow_fails_only_once_nothing_is_open() {
            WorkflowDefinition parallel = WorkflowDocument.parse(doc(step("a"), step("b"),
                    step("c", "depends_on", "a")));
            List<Task> steps = waitingSteps(3);
            List<Task> before = with(steps, inProgress(steps.get(0)), inProgress(steps.get(1)));

            TaskChanges first = advance(running(parallel, before), before, failed(steps.get(0)));

            assertThat(moved(first)).containsExactly(Map.entry(2, TaskStatus.SKIPPED));
            assertThat(workflowStatus(first)).isEqualTo(WorkflowStatus.IN_PROGRESS);

            List<Task> later = with(before, failed(steps.get(0)), skipped(steps.get(2)));
            TaskChanges second = advance(running(parallel, later), later, completed(steps.get(1)));

            assertThat(second.tasks()).isEmpty();
            assertThat(workflowStatus(second)).isEqualTo(WorkflowStatus.FAILED);
        }

        @Test
        void a_cancelled_step_skips_its_dependents_and_cancels_the_workflow() {
            WorkflowDefinition chain = WorkflowDocument.parse(doc(step("a"), step("b", "depends_on", "a")));
            List<Task> steps = waitingSteps(2);
            List<Task> before = with(steps, pending(steps.get(0)));

            TaskChanges changes = advance(running(chain, before), before, cancelled(steps.get(0)));

            assertThat(eventOf(changes, steps.get(1)).reason())
                    .isEqualTo("skipped: depends on 'a', which ended cancelled");
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.CANCELLED);
        }
    }

    @Nested
    class FanOutAndFanIn {

        private final List<Task> steps = waitingSteps(3);
        private final Task a = steps.get(0);
        private final Task b = steps.get(1);
        private final Task c = steps.get(2);
        private final WorkflowDefinition fanIn = WorkflowDocument.parse(doc(step("a"), step("b"),
                step("c", "depends_on", List.of("a", "b"))));

        @Test
        void two_steps_depending_on_one_both_become_pending_when_it_completes() {
            WorkflowDefinition fanOut = WorkflowDocument.parse(doc(step("a"), step("b", "depends_on", "a"),
                    step("c", "depends_on", "a")));
            List<Task> before = with(steps, inProgress(a));

            TaskChanges changes = advance(running(fanOut, before), before, completed(a));

            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.PENDING),
                    Map.entry(2, TaskStatus.PENDING));
            assertThat(eventOf(changes, b).reason()).isEqualTo("dependencies completed: a");
            assertThat(eventOf(changes, c).reason()).isEqualTo("dependencies completed: a");
        }

        @Test
        void a_step_depending_on_two_waits_while_one_is_open() {
            List<Task> before = with(steps, inProgress(a), inProgress(b));

            TaskChanges changes = advance(running(fanIn, before), before, completed(a));

            assertThat(changes.tasks()).isEmpty();
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.IN_PROGRESS);
        }

        @Test
        void a_step_depending_on_two_becomes_pending_when_the_second_completes() {
            List<Task> before = with(steps, completed(a), inProgress(b));

            TaskChanges changes = advance(running(fanIn, before), before, completed(b));

            assertThat(moved(changes)).containsExactly(Map.entry(2, TaskStatus.PENDING));
            assertThat(eventOf(changes, c).reason()).isEqualTo("dependencies completed: a, b");
        }

        @Test
        void a_step_depending_on_two_is_skipped_as_soon_as_one_fails() {
            List<Task> before = with(steps, inProgress(a), inProgress(b));

            TaskChanges changes = advance(running(fanIn, before), before, failed(a));

            assertThat(moved(changes)).containsExactly(Map.entry(2, TaskStatus.SKIPPED));
            assertThat(eventOf(changes, c).reason()).isEqualTo("skipped: depends on 'a', which ended failed");
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.IN_PROGRESS);
        }

        @Test
        void a_step_depending_on_two_is_skipped_when_the_second_fails_after_the_first_completed() {
            List<Task> before = with(steps, completed(a), inProgress(b));

            TaskChanges changes = advance(running(fanIn, before), before, failed(b));

            assertThat(moved(changes)).containsExactly(Map.entry(2, TaskStatus.SKIPPED));
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.FAILED);
        }
    }

    @Nested
    class ResolvedParams {

        private final List<Task> steps = waitingSteps(3);

        @Test
        void a_referenced_result_is_resolved_into_the_next_steps_payload() {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("count", "${steps.a.result.n}");
            params.put("label", "rows=${steps.a.result.n}");
            params.put("all", "${steps.a.result}");
            params.put("file", "${input.file}");
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a"),
                    step("b", "depends_on", "a", "params", params)));
            List<Task> two = steps.subList(0, 2);
            List<Task> before = with(two, inProgress(two.get(0)));
            Workflow workflow = workflow(definition, Map.of("file", "in.csv"), before);

            TaskChanges changes = advance(workflow, before, completed(two.get(0), Map.of("n", 42)));

            Map<String, Object> payload = nextOf(changes, two.get(1)).payload();
            assertThat(payload.get("count")).isInstanceOf(Integer.class).isEqualTo(42);
            assertThat(payload).isEqualTo(
                    Map.of("count", 42, "label", "rows=42", "all", Map.of("n", 42), "file", "in.csv"));
        }

        @Test
        void results_of_earlier_completed_steps_are_available_too() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a"), step("b", "depends_on", "a"),
                    step("c", "depends_on", "b", "params",
                            Map.of("first", "${steps.a.result.n}", "second", "${steps.b.result.m}"))));
            List<Task> before = with(steps, completed(steps.get(0), Map.of("n", 1)), inProgress(steps.get(1)));

            TaskChanges changes = advance(running(definition, before), before,
                    completed(steps.get(1), Map.of("m", List.of(2, 3))));

            assertThat(nextOf(changes, steps.get(2)).payload()).isEqualTo(Map.of("first", 1, "second", List.of(2, 3)));
        }

        @Test
        void input_references_are_resolved() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a"),
                    step("b", "depends_on", "a", "params",
                            Map.of("source", "${input.source.path}", "all", "${input}", "tag", "v${input.v}"))));
            List<Task> two = steps.subList(0, 2);
            List<Task> before = with(two, inProgress(two.get(0)));
            Map<String, Object> input = Map.of("source", Map.of("path", "/data/in.csv"), "v", 2);

            TaskChanges changes = advance(workflow(definition, input, before), before, completed(two.get(0)));

            assertThat(nextOf(changes, two.get(1)).payload())
                    .isEqualTo(Map.of("source", "/data/in.csv", "all", input, "tag", "v2"));
        }
    }

    @Nested
    class Retries {

        private final WorkflowDefinition chain = WorkflowDocument.parse(doc(step("a"),
                step("b", "depends_on", "a")));
        private final List<Task> steps = waitingSteps(2);

        @Test
        void a_step_back_to_pending_for_a_retry_advances_nothing() {
            List<Task> before = with(steps, inProgress(steps.get(0)));
            Task retried = after(steps.get(0)).pending().attempt(1).build();

            TaskChanges changes = advance(running(chain, before), before, retried);

            assertThat(changes.tasks()).isEmpty();
            assertThat(changes.events()).isEmpty();
        }

        @Test
        void a_retry_keeps_the_workflow_in_progress() {
            List<Task> before = with(steps, inProgress(steps.get(0)));
            Task retried = after(steps.get(0)).pending().attempt(1).build();

            TaskChanges changes = advance(running(chain, before), before, retried);

            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.IN_PROGRESS);
        }
    }

    @Nested
    class NotStarted {

        @Test
        void a_workflow_that_was_not_started_moves_no_step() {
            WorkflowDefinition chain = WorkflowDocument.parse(doc(step("a"), step("b", "depends_on", "a")));
            List<Task> steps = waitingSteps(2);
            Workflow workflow = Workflow.create(workflowId, chain, Map.of(), Map.of(),
                    steps.stream().map(Task::id).toList(), false, T0);

            TaskChanges changes = advance(workflow, steps, cancelled(steps.get(0)));

            assertThat(changes.tasks()).isEmpty();
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.IN_PROGRESS);
        }
    }

    @Nested
    class Start {

        @Test
        void starting_makes_the_roots_pending_with_params_resolved_from_the_input() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(
                    step("a", "params", Map.of("file", "${input.file}")),
                    step("b", "params", Map.of("n", "${input.count}", "tag", "run-${input.tag}")),
                    step("c", "depends_on", List.of("a", "b"))));
            List<Task> steps = waitingSteps(3);
            Workflow before = Workflow.create(workflowId, definition, Map.of("file", "in.csv", "count", 3), Map.of(),
                    steps.stream().map(Task::id).toList(), false, T0);
            Workflow started = changed(before.start(T1));
            TaskChanges changes = TaskChanges.builder().advance(DagPlan.start(before, started, steps, T1)).build();

            assertThat(moved(changes)).containsExactly(Map.entry(0, TaskStatus.PENDING),
                    Map.entry(1, TaskStatus.PENDING));
            assertThat(nextOf(changes, steps.get(0)).payload()).isEqualTo(Map.of("file", "in.csv"));
            assertThat(nextOf(changes, steps.get(1)).payload()).isEqualTo(Map.of("n", 3, "tag", "run-"));
            assertThat(changes.events()).extracting(TaskTransitioned::reason).containsOnly("workflow started");
            assertThat(changes.workflows()).hasSize(1);
            assertThat(changes.workflows().get(0).expectedVersion()).isZero();
            assertThat(changes.workflows().get(0).next().startedAt()).isEqualTo(T1);
            assertThat(changes.workflows().get(0).next().status()).isEqualTo(WorkflowStatus.PENDING);
        }

        @Test
        void starting_seed_001_releases_only_validate() {
            List<Task> steps = waitingSteps(4);
            Workflow before = Workflow.create(workflowId, seed001, Map.of(), Map.of(),
                    steps.stream().map(Task::id).toList(), false, T0);
            TaskChanges changes = TaskChanges.builder()
                    .advance(DagPlan.start(before, changed(before.start(T1)), steps, T1)).build();

            assertThat(moved(changes)).containsExactly(Map.entry(0, TaskStatus.PENDING));
            assertThat(nextOf(changes, steps.get(0)).payload()).isEqualTo(Map.of("schema", "input-schema"));
        }

        @Test
        void an_always_run_step_with_nothing_to_wait_for_runs_at_once() {
            WorkflowDefinition only = WorkflowDocument.parse(doc(step("cleanup", "always_run", true)));
            List<Task> steps = waitingSteps(1);
            Workflow before = Workflow.create(workflowId, only, Map.of(), Map.of(),
                    steps.stream().map(Task::id).toList(), false, T0);
            TaskChanges changes = TaskChanges.builder()
                    .advance(DagPlan.start(before, changed(before.start(T1)), steps, T1)).build();

            assertThat(moved(changes)).containsExactly(Map.entry(0, TaskStatus.PENDING));
            assertThat(eventOf(changes, steps.get(0)).reason()).isEqualTo("always_run: nothing to wait for");
        }
    }

    @Nested
    class Initial {

        private final WorkflowDefinition definition = WorkflowDocument.parse(doc(
                step("a", "params", Map.of("file", "${input.file}")), step("b", "depends_on", "a")));
        private final List<Task> steps = waitingSteps(2);

        @Test
        void a_started_workflow_begins_with_its_roots_pending_and_resolved() {
            List<Task> initial = DagPlan.initial(definition, Map.of("file", "in.csv"), steps, true, T0);

            assertThat(initial).extracting(Task::status).containsExactly(TaskStatus.PENDING, TaskStatus.WAITING);
            assertThat(initial.get(0).id()).isEqualTo(steps.get(0).id());
            assertThat(initial.get(0).payload()).isEqualTo(Map.of("file", "in.csv"));
            assertThat(initial.get(1)).isSameAs(steps.get(1));
            assertThat(steps.get(0).status()).isEqualTo(TaskStatus.WAITING);
        }

        @Test
        void a_workflow_not_started_keeps_every_step_waiting() {
            List<Task> initial = DagPlan.initial(definition, Map.of("file", "in.csv"), steps, false, T0);

            assertThat(initial).containsExactlyElementsOf(steps);
        }
    }

    @Nested
    class Cancel {

        private final List<Task> steps = waitingSteps(4);

        @Test
        void cancelling_cancels_open_steps_and_returns_those_a_bot_held() {
            Task process = inProgress(steps.get(1));
            Task alert = assigned(steps.get(3));
            List<Task> current = with(steps, completed(steps.get(0)), process, alert);
            Workflow workflow = running(seed001, current);
            WorkflowAdvance cancelled = DagPlan.cancel(workflow, current, REASON, T4);

            List<Task> held = cancelled.heldBefore();
            TaskChanges changes = TaskChanges.builder().advance(cancelled).build();
            assertThat(held).containsExactly(process, alert);
            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.CANCELLED),
                    Map.entry(2, TaskStatus.CANCELLED), Map.entry(3, TaskStatus.CANCELLED));
            assertThat(nextOf(changes, steps.get(2)).error()).isEqualTo(REASON);
            assertThat(changes.events()).extracting(TaskTransitioned::reason).containsOnly(REASON);
            assertThat(changes.events()).extracting(TaskTransitioned::actor).containsOnly(Actor.api());
            assertThat(changes.events()).extracting(TaskTransitioned::cause).containsOnly("cancelled");
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.CANCELLED);
        }

        @Test
        void ended_steps_are_left_as_they_are() {
            List<Task> current = with(steps, failed(steps.get(0)), skipped(steps.get(1)), skipped(steps.get(2)),
                    pending(steps.get(3)));
            WorkflowAdvance cancelled = DagPlan.cancel(running(seed001, current), current, REASON, T4);

            List<Task> held = cancelled.heldBefore();
            TaskChanges changes = TaskChanges.builder().advance(cancelled).build();
            assertThat(held).isEmpty();
            assertThat(moved(changes)).containsExactly(Map.entry(3, TaskStatus.CANCELLED));
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.CANCELLED);
        }
    }

    @Nested
    class AlwaysRun {

        private final List<Task> steps = waitingSteps(3);
        private final WorkflowDefinition cleanupLast = WorkflowDocument.parse(doc(step("a"),
                step("b", "depends_on", "a"),
                step("cleanup", "always_run", true, "params", Map.of("b_ok", "${steps.b.result.ok}"))));

        @Test
        void an_always_run_step_naming_nothing_waits_for_every_other_step() {
            List<Task> before = with(steps, inProgress(steps.get(0)));

            TaskChanges changes = advance(running(cleanupLast, before), before, completed(steps.get(0)));

            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.PENDING));
        }

        @Test
        void an_always_run_step_naming_nothing_runs_once_all_others_ended_even_after_a_failure() {
            List<Task> before = with(steps, completed(steps.get(0)), inProgress(steps.get(1)));

            TaskChanges changes = advance(running(cleanupLast, before), before, failed(steps.get(1)));

            assertThat(moved(changes)).containsExactly(Map.entry(2, TaskStatus.PENDING));
            assertThat(eventOf(changes, steps.get(2)).reason()).isEqualTo("always_run: a, b ended");
            Map<String, Object> expected = new HashMap<>();
            expected.put("b_ok", null);
            assertThat(nextOf(changes, steps.get(2)).payload()).isEqualTo(expected);
            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.IN_PROGRESS);
        }

        @Test
        void an_always_run_step_sees_the_results_of_the_steps_before_it() {
            List<Task> before = with(steps, completed(steps.get(0)), inProgress(steps.get(1)));

            TaskChanges changes = advance(running(cleanupLast, before), before,
                    completed(steps.get(1), Map.of("ok", "yes")));

            assertThat(nextOf(changes, steps.get(2)).payload()).isEqualTo(Map.of("b_ok", "yes"));
        }

        @Test
        void the_workflow_still_fails_after_the_always_run_step_completes() {
            List<Task> before = with(steps, completed(steps.get(0)), failed(steps.get(1)), inProgress(steps.get(2)));

            TaskChanges changes = advance(running(cleanupLast, before), before, completed(steps.get(2)));

            assertThat(workflowStatus(changes)).isEqualTo(WorkflowStatus.FAILED);
        }

        @Test
        void an_always_run_step_with_a_dependency_runs_when_the_dependency_failed() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a"),
                    step("notify", "depends_on", "a", "always_run", true)));
            List<Task> two = steps.subList(0, 2);
            List<Task> before = with(two, inProgress(two.get(0)));

            TaskChanges changes = advance(running(definition, before), before, failed(two.get(0)));

            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.PENDING));
            assertThat(eventOf(changes, two.get(1)).reason()).isEqualTo("always_run: a ended");
        }
    }

    @Nested
    class LegacyWorkflow {

        @Test
        void a_workflow_without_a_definition_runs_its_steps_in_order() {
            List<Task> steps = waitingSteps(3);
            List<TaskId> ids = steps.stream().map(Task::id).toList();
            Workflow legacy = new Workflow(workflowId, "old", null, WorkflowStatus.IN_PROGRESS, Map.of(), ids, T0, T0,
                    T0, 3, null, Map.of(), null);
            List<Task> before = with(steps, inProgress(steps.get(0)));

            WorkflowDefinition definition = DagPlan.definition(legacy, before);
            TaskChanges changes = advance(legacy, before, completed(steps.get(0)));

            assertThat(definition.steps()).extracting(StepDefinition::id).containsExactly("step-1", "step-2",
                    "step-3");
            assertThat(definition.step("step-2").type()).isEqualTo(Tasks.TYPE);
            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.PENDING));
            assertThat(eventOf(changes, steps.get(1)).reason()).isEqualTo("dependencies completed: step-1");
            assertThat(nextOf(changes, steps.get(1)).payload()).isEqualTo(Map.of("input", "scene-1"));
        }

        @Test
        void a_legacy_step_payload_with_dollar_brace_text_is_passed_on_as_it_is() {
            List<Task> steps = waitingSteps(2);
            Task second = withPayload(steps.get(1), Map.of("command", "cp out.txt ${HOME}/backup"));
            steps = with(steps, second);
            Workflow legacy = new Workflow(workflowId, "old", null, WorkflowStatus.IN_PROGRESS, Map.of(),
                    steps.stream().map(Task::id).toList(), T0, T0, T0, 3, null, Map.of(), null);
            List<Task> before = with(steps, inProgress(steps.get(0)));

            TaskChanges changes = advance(legacy, before, completed(steps.get(0)));

            assertThat(moved(changes)).containsExactly(Map.entry(1, TaskStatus.PENDING));
            assertThat(nextOf(changes, second).payload()).isEqualTo(Map.of("command", "cp out.txt ${HOME}/backup"));
        }

        private static Task withPayload(Task t, Map<String, Object> payload) {
            return new Task(t.id(), t.type(), t.status(), t.priority(), payload, t.result(), t.error(), t.errorCode(),
                    t.timeoutSeconds(), t.workflowId(), t.workflowPosition(), t.botId(), t.attempt(), t.createdAt(),
                    t.updatedAt(), t.assignedAt(), t.startedAt(), t.completedAt(), t.version(), t.retry(),
                    t.scheduleToStartSeconds(), t.runAt(), t.deadlineAt(), t.leaseExpiresAt(), t.attemptsBefore(),
                    t.owner(), t.progress(), t.traceParent(), t.concurrency(), t.fairness(), t.rate());
        }
    }

    @Nested
    class Status {

        private final WorkflowDefinition independent = WorkflowDocument.parse(doc(step("a"), step("b"),
                step("c")));
        private final WorkflowDefinition handled = WorkflowDocument.parse(doc(step("a", "on_failure", "b"),
                step("b"), step("c")));

        private List<Task> stepsIn(String statuses) {
            List<Task> steps = new ArrayList<>();
            String[] names = statuses.split(" ");
            for (int i = 0; i < names.length; i++) {
                steps.add(Tasks.inState(TaskStatus.valueOf(names[i]), bot).stepOf(workflowId, i).build());
            }
            return steps;
        }

        @ParameterizedTest
        @CsvSource({ "WAITING WAITING WAITING, PENDING", "PENDING PENDING WAITING, PENDING",
                "ASSIGNED WAITING WAITING, IN_PROGRESS", "IN_PROGRESS PENDING WAITING, IN_PROGRESS",
                "COMPLETED PENDING WAITING, IN_PROGRESS", "SKIPPED WAITING PENDING, IN_PROGRESS",
                "FAILED IN_PROGRESS WAITING, IN_PROGRESS", "COMPLETED COMPLETED COMPLETED, COMPLETED",
                "COMPLETED SKIPPED SKIPPED, COMPLETED", "COMPLETED FAILED SKIPPED, FAILED",
                "TIMED_OUT SKIPPED COMPLETED, FAILED", "COMPLETED CANCELLED SKIPPED, CANCELLED",
                "CANCELLED FAILED COMPLETED, FAILED" })
        void the_status_follows_the_steps(String steps, WorkflowStatus expected) {
            assertThat(DagPlan.status(independent, stepsIn(steps))).isEqualTo(expected);
        }

        @ParameterizedTest
        @CsvSource({ "FAILED COMPLETED COMPLETED, COMPLETED", "TIMED_OUT COMPLETED COMPLETED, COMPLETED",
                "FAILED FAILED COMPLETED, FAILED", "FAILED COMPLETED CANCELLED, CANCELLED",
                "FAILED COMPLETED FAILED, FAILED", "FAILED PENDING COMPLETED, IN_PROGRESS" })
        void a_failure_with_an_on_failure_branch_is_handled(String steps, WorkflowStatus expected) {
            assertThat(DagPlan.status(handled, stepsIn(steps))).isEqualTo(expected);
        }
    }

    @Nested
    class StepTaskTransitions {

        private final Task waiting = aTask().stepOf(workflowId, 1).waiting().build();

        @Test
        void making_a_waiting_step_ready_sets_its_resolved_payload() {
            Map<String, Object> resolved = new HashMap<>(Map.of("file", "in.csv", "n", 42));

            Task ready = changed(waiting.makeReady(T2, resolved));
            resolved.put("n", 0);

            assertThat(ready.status()).isEqualTo(TaskStatus.PENDING);
            assertThat(ready.payload()).isEqualTo(Map.of("file", "in.csv", "n", 42));
            assertThat(ready.updatedAt()).isEqualTo(T2);
            assertThat(ready.deadlineAt()).isNull();
            assertThat(ready.type()).isEqualTo(waiting.type());
            assertThat(ready.workflowPosition()).isEqualTo(1);
            assertThat(ready.attempt()).isZero();
            assertThat(TaskTransitioned.between(waiting, ready, Actor.system(), "x").cause()).isEqualTo("ready");
        }

        @Test
        void making_a_step_ready_starts_its_schedule_to_start_clock() {
            Task limited = aTask().stepOf(workflowId, 1).waiting().scheduleToStart(60).build();

            Task ready = changed(limited.makeReady(T2, Map.of()));

            assertThat(ready.deadlineAt()).isEqualTo(T2.plusSeconds(60));
            assertThat(ready.payload()).isEmpty();
        }

        @Test
        void making_ready_without_a_payload_keeps_the_payload() {
            Task ready = changed(waiting.makeReady(T2));

            assertThat(ready.payload()).isEqualTo(Map.of("input", "scene-1"));
        }

        @Test
        void making_a_pending_step_ready_again_changes_nothing() {
            Task pending = aTask().stepOf(workflowId, 1).pending().build();

            assertThat(unchanged(pending.makeReady(T2, Map.of("other", 1)))).isSameAs(pending);
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "ASSIGNED", "IN_PROGRESS", "COMPLETED", "FAILED",
                "TIMED_OUT", "CANCELLED", "SKIPPED" })
        void only_a_waiting_step_can_be_made_ready(TaskStatus status) {
            Task task = Tasks.inState(status, bot).stepOf(workflowId, 1).build();

            assertThat(rejected(task.makeReady(T4, Map.of()))).isEqualTo(
                    "Task " + task.id() + " is " + status.wire() + "; only a waiting task can be made ready");
        }

        @Test
        void skipping_a_waiting_step_ends_it_with_the_reason() {
            Task skipped = changed(waiting.skip("skipped: depends on 'a', which ended failed", T3));

            assertThat(skipped.status()).isEqualTo(TaskStatus.SKIPPED);
            assertThat(skipped.status().isTerminal()).isTrue();
            assertThat(skipped.error()).isEqualTo("skipped: depends on 'a', which ended failed");
            assertThat(skipped.completedAt()).isEqualTo(T3);
            assertThat(skipped.updatedAt()).isEqualTo(T3);
            assertThat(skipped.botId()).isNull();
            assertThat(skipped.payload()).isEqualTo(waiting.payload());
            assertThat(TaskTransitioned.between(waiting, skipped, Actor.system(), "x").cause()).isEqualTo("skipped");
        }

        @Test
        void skipping_a_skipped_step_again_changes_nothing() {
            Task skipped = changed(waiting.skip("not reached", T3));

            assertThat(unchanged(skipped.skip("again", T4))).isSameAs(skipped);
        }

        @ParameterizedTest
        @EnumSource(value = TaskStatus.class, names = { "PENDING", "ASSIGNED", "IN_PROGRESS", "COMPLETED", "FAILED",
                "TIMED_OUT", "CANCELLED" })
        void only_a_waiting_step_can_be_skipped(TaskStatus status) {
            Task task = Tasks.inState(status, bot).stepOf(workflowId, 1).build();

            assertThat(rejected(task.skip("not reached", T4))).isEqualTo(
                    "Task " + task.id() + " is " + status.wire() + "; only a waiting step can be skipped");
        }

        @Test
        void a_skipped_step_cannot_be_cancelled() {
            Task skipped = changed(waiting.skip("not reached", T3));

            assertThat(rejected(skipped.cancel("stop", T4)))
                    .isEqualTo("Task " + skipped.id() + " is already skipped; a finished task cannot be cancelled");
        }
    }
}
