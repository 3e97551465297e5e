package io.clawbot.coordinator.domain.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class WorkflowDefinitionTest {

    /** Seed 001's example exactly as written, as parsed YAML gives it. */
    static Map<String, Object> seed001() {
        return Map.of("workflow", seed001Body());
    }

    /** The body of seed 001's {@code workflow:}. */
    static Map<String, Object> seed001Body() {
        return Map.of("name", "data-pipeline", "jobs", List.of(
                Map.of("id", "validate", "type", "validation", "parameters", Map.of("schema", "input-schema"),
                        "on_success", "process", "on_failure", "alert"),
                Map.of("id", "process", "type", "processing", "parameters", Map.of("operation", "transform"),
                        "on_success", "save"),
                Map.of("id", "save", "type", "integration", "parameters", Map.of("endpoint", "data-store")),
                Map.of("id", "alert", "type", "integration", "parameters", Map.of("channel", "slack-alerts"),
                        "always_run", true)));
    }

    /** A step document: its id, then field names and values in turn. */
    static Map<String, Object> step(String id, Object... fields) {
        Map<String, Object> step = new LinkedHashMap<>();
        step.put("id", id);
        for (int i = 0; i < fields.length; i += 2) {
            step.put((String) fields[i], fields[i + 1]);
        }
        return step;
    }

    /** A document named {@code wf} with these steps under {@code steps}. */
    @SafeVarargs
    static Map<String, Object> doc(Map<String, Object>... steps) {
        return Map.of("name", "wf", "steps", List.of(steps));
    }

    private static void assertInvalid(Object document, String field, String fragment) {
        assertThatThrownBy(() -> WorkflowDocument.parse(document))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.getMessage()).contains(fragment);
                });
    }

    @Nested
    class ParsingSeed001 {

        private final WorkflowDefinition definition = WorkflowDocument.parse(seed001());

        @Test
        void the_name_comes_from_the_workflow_block_and_there_is_no_description() {
            assertThat(definition.name()).isEqualTo("data-pipeline");
            assertThat(definition.description()).isNull();
        }

        @Test
        void the_jobs_become_steps_in_the_order_given() {
            assertThat(definition.steps()).extracting(StepDefinition::id)
                    .containsExactly("validate", "process", "save", "alert");
            assertThat(definition.steps()).extracting(StepDefinition::type)
                    .containsExactly("validation", "processing", "integration", "integration");
            assertThat(definition.position("save")).isEqualTo(2);
            assertThat(definition.position("nope")).isEqualTo(-1);
            assertThat(definition.step("process").type()).isEqualTo("processing");
            assertThat(definition.step("nope")).isNull();
        }

        @Test
        void parameters_become_the_params_of_each_step() {
            assertThat(definition.step("validate").params()).isEqualTo(Map.of("schema", "input-schema"));
            assertThat(definition.step("process").params()).isEqualTo(Map.of("operation", "transform"));
            assertThat(definition.step("save").params()).isEqualTo(Map.of("endpoint", "data-store"));
            assertThat(definition.step("alert").params()).isEqualTo(Map.of("channel", "slack-alerts"));
        }

        @Test
        void a_single_branch_name_becomes_a_list_of_one() {
            StepDefinition validate = definition.step("validate");

            assertThat(validate.onSuccess()).containsExactly("process");
            assertThat(validate.onFailure()).containsExactly("alert");
            assertThat(validate.dependsOn()).isEmpty();
            assertThat(definition.step("process").onSuccess()).containsExactly("save");
            assertThat(definition.step("process").onFailure()).isEmpty();
            assertThat(definition.step("save").onSuccess()).isEmpty();
        }

        @Test
        void only_alert_is_always_run() {
            assertThat(definition.steps()).extracting(StepDefinition::alwaysRun)
                    .containsExactly(false, false, false, true);
        }

        @Test
        void fields_left_out_stay_null_for_the_defaults() {
            StepDefinition save = definition.step("save");

            assertThat(save.priority()).isNull();
            assertThat(save.timeoutSeconds()).isNull();
            assertThat(save.retry()).isNull();
            assertThat(save.spec().priority()).isEqualTo(TaskSpec.DEFAULT_PRIORITY);
            assertThat(save.spec().timeoutSeconds()).isEqualTo(TaskSpec.DEFAULT_TIMEOUT_SECONDS);
            assertThat(save.spec().type()).isEqualTo("integration");
            assertThat(save.spec().payload()).isEqualTo(Map.of("endpoint", "data-store"));
        }

        @Test
        void only_validate_starts_with_the_workflow() {
            assertThat(definition.steps()).filteredOn(definition::isRoot).extracting(StepDefinition::id)
                    .containsExactly("validate");
        }

        @Test
        void the_graph_questions_are_answered_from_the_branches() {
            assertThat(definition.branchSources("process", true)).extracting(StepDefinition::id)
                    .containsExactly("validate");
            assertThat(definition.branchSources("process", false)).isEmpty();
            assertThat(definition.branchSources("alert", false)).extracting(StepDefinition::id)
                    .containsExactly("validate");
            assertThat(definition.isBranchTarget("save")).isTrue();
            assertThat(definition.isBranchTarget("validate")).isFalse();
            assertThat(definition.awaited(definition.step("alert"))).containsExactly("validate");
        }

        @Test
        void the_same_fields_at_the_top_level_give_the_same_definition() {
            assertThat(WorkflowDocument.parse(seed001Body())).isEqualTo(definition);
        }

        @Test
        void steps_and_params_spelling_gives_the_same_definition() {
            Map<String, Object> spelled = Map.of("name", "data-pipeline", "steps", List.of(
                    step("validate", "type", "validation", "params", Map.of("schema", "input-schema"), "on_success",
                            List.of("process"), "on_failure", List.of("alert")),
                    step("process", "type", "processing", "params", Map.of("operation", "transform"), "on_success",
                            "save"),
                    step("save", "type", "integration", "params", Map.of("endpoint", "data-store")),
                    step("alert", "type", "integration", "params", Map.of("channel", "slack-alerts"), "always_run",
                            true)));

            assertThat(WorkflowDocument.parse(spelled)).isEqualTo(definition);
        }

        @Test
        void the_document_form_reads_back_to_an_equal_definition() {
            Map<String, Object> document = WorkflowDocument.of(definition);

            assertThat(document).containsEntry("name", "data-pipeline").doesNotContainKey("description")
                    .doesNotContainKey("jobs");
            assertThat(WorkflowDocument.parse(document)).isEqualTo(definition);
        }
    }

    @Nested
    class ParsingOtherFields {

        @Test
        void priority_timeout_and_retry_are_read() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a", "priority", 5,
                    "timeout_seconds", 60, "retry", Map.of("max_attempts", 3, "backoff_seconds", 2,
                            "backoff_multiplier", 1.5, "non_retryable_errors", List.of("bad_input")))));

            StepDefinition a = definition.step("a");
            assertThat(a.priority()).isEqualTo(5);
            assertThat(a.timeoutSeconds()).isEqualTo(60);
            assertThat(a.retry()).isEqualTo(new RetryPolicy.Overrides(3, 2.0, 1.5, null, null, List.of("bad_input")));
            assertThat(a.type()).isNull();
            assertThat(a.params()).isEmpty();
        }

        @Test
        void whole_numbers_as_longs_are_accepted() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a", "priority", 7L,
                    "timeout_seconds", 90L)));

            assertThat(definition.step("a").priority()).isEqualTo(7);
            assertThat(definition.step("a").timeoutSeconds()).isEqualTo(90);
        }

        @Test
        void the_name_is_trimmed_and_the_description_kept() {
            WorkflowDefinition definition = WorkflowDocument.parse(
                    Map.of("name", "  nightly  ", "description", "runs at night", "steps", List.of(step("a"))));

            assertThat(definition.name()).isEqualTo("nightly");
            assertThat(definition.description()).isEqualTo("runs at night");
        }

        @Test
        void several_branches_and_dependencies_are_kept_in_order() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(
                    step("a", "on_success", List.of("c", "b")), step("b"), step("c"),
                    step("d", "depends_on", List.of("c", "b"))));

            assertThat(definition.step("a").onSuccess()).containsExactly("c", "b");
            assertThat(definition.step("d").dependsOn()).containsExactly("c", "b");
        }

        @Test
        void every_field_survives_the_document_round_trip() {
            WorkflowDefinition definition = WorkflowDocument.parse(Map.of("name", "full", "description", "d",
                    "steps", List.of(
                            step("a", "type", "render", "params", Map.of("n", 1, "list", List.of("x", "y")),
                                    "on_success", "b", "on_failure", List.of("c"), "priority", -3,
                                    "timeout_seconds", 120,
                                    "retry", Map.of("max_attempts", 4, "backoff_seconds", 1.5,
                                            "backoff_multiplier", 2, "max_backoff_seconds", 30, "jitter", 0.2,
                                            "non_retryable_errors", List.of("bad_input", "denied"))),
                            step("b", "params", Map.of("from", "${steps.a.result.n}")),
                            step("c", "always_run", true),
                            step("d", "depends_on", List.of("b")))));

            Map<String, Object> document = WorkflowDocument.of(definition);

            assertThat(WorkflowDocument.parse(document)).isEqualTo(definition);
            assertThat(document).containsEntry("description", "d");
        }

        @Test
        void the_document_form_writes_lists_and_leaves_out_defaults() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a", "on_success", "b"), step("b")));

            @SuppressWarnings("unchecked")
            List<Map<String, Object>> steps = (List<Map<String, Object>>) WorkflowDocument.of(definition).get("steps");

            assertThat(steps.get(0)).isEqualTo(Map.of("id", "a", "params", Map.of(), "on_success", List.of("b")));
            assertThat(steps.get(1)).isEqualTo(Map.of("id", "b", "params", Map.of()));
        }

        @Test
        void a_step_started_only_by_a_failure_it_does_not_depend_on_is_valid() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a", "on_failure", "b"), step("b")));

            assertThat(definition.branchSources("b", false)).extracting(StepDefinition::id).containsExactly("a");
            assertThat(definition.isRoot(definition.step("b"))).isFalse();
        }

        @Test
        void an_always_run_step_that_names_nothing_may_refer_to_any_step_before_it() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a"), step("b", "depends_on", "a"),
                    step("report", "always_run", true, "params", Map.of("rows", "${steps.b.result.rows}"))));

            assertThat(definition.awaited(definition.step("report"))).containsExactly("a", "b");
        }

        @Test
        void an_always_run_step_that_names_nothing_does_not_wait_for_steps_after_it() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a"),
                    step("cleanup", "always_run", true, "on_success", "notify"), step("notify"),
                    step("other", "always_run", true)));

            assertThat(definition.awaited(definition.step("cleanup"))).containsExactly("a");
            assertThat(definition.awaited(definition.step("notify"))).containsExactly("cleanup");
        }
    }

    @Nested
    class Linear {

        @Test
        void linear_specs_become_a_chain_of_steps_each_depending_on_the_previous() {
            RetryPolicy.Overrides retry = new RetryPolicy.Overrides(2, null, null, null, null, null);
            WorkflowDefinition definition = WorkflowDefinition.linear("seq", "in order", List.of(
                    new TaskSpec("render", 5, Map.of("scene", 1), 60),
                    new TaskSpec(null, 0, Map.of(), 300).withTiming(retry, null, null, null),
                    new TaskSpec("encode", -1, Map.of("codec", "h264"), 30)));

            assertThat(definition.name()).isEqualTo("seq");
            assertThat(definition.description()).isEqualTo("in order");
            assertThat(definition.steps()).extracting(StepDefinition::id)
                    .containsExactly("step-1", "step-2", "step-3");
            assertThat(definition.steps()).extracting(StepDefinition::dependsOn)
                    .containsExactly(List.of(), List.of("step-1"), List.of("step-2"));
            assertThat(definition.steps()).extracting(StepDefinition::type).containsExactly("render", null, "encode");
            assertThat(definition.steps()).extracting(StepDefinition::priority).containsExactly(5, 0, -1);
            assertThat(definition.steps()).extracting(StepDefinition::timeoutSeconds).containsExactly(60, 300, 30);
            assertThat(definition.steps()).extracting(StepDefinition::retry).containsExactly(null, retry, null);
            assertThat(definition.step("step-3").params()).isEqualTo(Map.of("codec", "h264"));
            assertThat(definition.steps()).allSatisfy(s -> {
                assertThat(s.onSuccess()).isEmpty();
                assertThat(s.onFailure()).isEmpty();
                assertThat(s.alwaysRun()).isFalse();
            });
            assertThat(definition.steps()).filteredOn(definition::isRoot).extracting(StepDefinition::id)
                    .containsExactly("step-1");
        }

        @Test
        void a_linear_definition_survives_the_document_round_trip() {
            WorkflowDefinition definition = WorkflowDefinition.linear("seq", null, List.of(
                    new TaskSpec("render", 5, Map.of("scene", 1), 60), new TaskSpec(null, 0, Map.of(), 300)));

            assertThat(WorkflowDocument.parse(WorkflowDocument.of(definition))).isEqualTo(definition);
        }
    }

    @Nested
    class UnknownNames {

        @Test
        void an_unknown_step_in_depends_on_is_rejected() {
            assertInvalid(doc(step("a"), step("b", "depends_on", "nope")), "steps[1].depends_on",
                    "names no step 'nope'");
        }

        @Test
        void an_unknown_step_in_on_success_is_rejected() {
            assertInvalid(doc(step("a"), step("b"), step("c", "on_success", "ghost")), "steps[2].on_success",
                    "names no step 'ghost'");
        }

        @Test
        void an_unknown_step_in_on_failure_is_reported_under_jobs_when_the_list_is_called_jobs() {
            assertInvalid(Map.of("workflow", Map.of("name", "wf", "jobs", List.of(step("a", "on_failure", "ghost")))),
                    "jobs[0].on_failure", "names no step 'ghost'");
        }

        @Test
        void the_index_of_the_unknown_name_is_given_when_a_list_of_names_is_given() {
            assertInvalid(doc(step("a"), step("b"), step("c", "depends_on", List.of("a", "ghost"))),
                    "steps[2].depends_on[1]", "names no step 'ghost'");
        }

        @Test
        void a_step_naming_itself_in_depends_on_is_rejected() {
            assertInvalid(doc(step("a"), step("b", "depends_on", "b")), "steps[1].depends_on",
                    "a step cannot name itself");
        }

        @Test
        void a_step_naming_itself_as_a_branch_is_rejected() {
            assertInvalid(doc(step("a", "on_failure", List.of("b", "a")), step("b")), "steps[0].on_failure[1]",
                    "a step cannot name itself");
        }

        @Test
        void a_name_given_twice_in_one_list_is_rejected() {
            assertInvalid(doc(step("a"), step("b", "depends_on", List.of("a", "a"))), "steps[1].depends_on[1]",
                    "names 'a' twice");
        }

        @Test
        void duplicate_ids_are_rejected_at_the_later_step() {
            assertInvalid(doc(step("a"), step("b"), step("a")), "steps[2].id", "'a' is the id of an earlier step too");
        }

        @Test
        void the_constructor_checks_the_graph_too() {
            List<StepDefinition> steps = List.of(
                    new StepDefinition("a", null, Map.of(), List.of(), List.of(), List.of(), false, null, null, null),
                    new StepDefinition("b", null, Map.of(), List.of("zz"), List.of(), List.of(), false, null, null,
                            null));

            assertThatThrownBy(() -> new WorkflowDefinition("wf", null, steps))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("steps[1].depends_on");
                        assertThat(e.getMessage()).contains("names no step 'zz'");
                    });
        }
    }

    @Nested
    class Cycles {

        @Test
        void a_depends_on_cycle_is_rejected() {
            assertInvalid(doc(step("a", "depends_on", "b"), step("b", "depends_on", "a")), "steps[1]",
                    "forms a cycle: a -> b -> a");
        }

        @Test
        void a_branch_cycle_is_rejected() {
            assertInvalid(doc(step("a", "on_success", "b"), step("b", "on_failure", "a")), "steps[1]",
                    "forms a cycle: a -> b -> a");
        }

        @Test
        void a_cycle_through_dependencies_and_branches_is_rejected_naming_the_step_that_closes_it() {
            assertInvalid(doc(step("a", "on_success", "b"), step("b"), step("c", "depends_on", "b", "on_failure", "a")),
                    "steps[2]", "forms a cycle: a -> b -> c -> a");
        }

        @Test
        void a_cycle_behind_a_root_names_only_the_steps_in_the_cycle() {
            assertInvalid(doc(step("start", "on_success", "x"), step("x", "on_success", "y"),
                    step("y", "on_success", "x")), "steps[2]", "forms a cycle: x -> y -> x");
        }
    }

    @Nested
    class Reachability {

        @Test
        void a_step_that_depends_on_a_step_and_is_only_its_failure_branch_can_never_run() {
            assertInvalid(doc(step("a", "on_failure", "b"), step("b", "depends_on", "a")), "steps[1]",
                    "can never run: it needs 'a' both to complete and to fail (it is started only by 'a' to fail)");
        }

        @Test
        void a_step_that_depends_on_a_step_that_can_never_run_can_never_run() {
            assertInvalid(doc(step("a", "on_failure", "c"), step("b", "depends_on", "c"),
                    step("c", "depends_on", "a")), "steps[1]",
                    "can never run: it depends on 'c', which can never run");
        }

        @Test
        void a_step_started_by_the_success_of_its_dependency_as_well_can_run() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(
                    step("a", "on_success", "b", "on_failure", "c"), step("b"),
                    step("c", "depends_on", "a"), step("d", "on_success", "c")));

            assertThat(definition.branchSources("c", true)).extracting(StepDefinition::id).containsExactly("d");
        }

        @Test
        void an_always_run_failure_branch_of_its_dependency_is_valid() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a", "on_failure", "b"),
                    step("b", "depends_on", "a", "always_run", true)));

            assertThat(definition.awaited(definition.step("b"))).containsExactly("a");
        }

        @Test
        void a_step_needing_both_the_success_and_the_failure_branch_of_one_step_can_never_run() {
            // s runs only if y completed (its on_success) and x completed; x runs only if y failed.
            assertInvalid(doc(step("y", "on_success", "s", "on_failure", "x"), step("x"), step("s", "depends_on", "x")),
                    "steps[2]", "can never run");
        }
    }

    @Nested
    class References {

        @Test
        void a_reference_to_an_unknown_step_is_rejected() {
            assertInvalid(doc(step("a"), step("b", "depends_on", "a", "params",
                    Map.of("target", "${steps.nope.result}"))), "steps[1].params.target",
                    "refers to '${steps.nope.result}', but there is no step 'nope'");
        }

        @Test
        void a_reference_to_a_step_that_does_not_run_before_is_rejected() {
            assertInvalid(doc(step("a"), step("b", "params", Map.of("target", "${steps.a.result.x}"))),
                    "steps[1].params.target",
                    "refers to '${steps.a.result.x}', but step 'a' does not run before 'b'");
        }

        @Test
        void a_reference_to_a_later_step_is_rejected() {
            assertInvalid(doc(step("a", "params", Map.of("target", "${steps.b.result}")), step("b", "depends_on", "a")),
                    "steps[0].params.target", "step 'b' does not run before 'a'");
        }

        @Test
        void a_reference_to_a_step_before_through_a_branch_is_valid() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("a", "on_success", "b"),
                    step("b", "on_success", "c"), step("c", "params", Map.of("first", "${steps.a.result.n}"))));

            assertThat(definition.step("c").params()).containsEntry("first", "${steps.a.result.n}");
        }

        @Test
        void a_malformed_reference_is_rejected() {
            assertInvalid(doc(step("a"), step("b", "params", Map.of("target", "${foo}"))), "steps[1].params.target",
                    "'${foo}' is not a reference");
        }

        @Test
        void an_unclosed_reference_is_rejected() {
            assertInvalid(doc(step("a"), step("b", "params", Map.of("target", "file ${input.name"))),
                    "steps[1].params.target", "has an unclosed '${'");
        }

        @Test
        void a_bad_reference_deep_in_the_params_is_reported_with_its_path() {
            assertInvalid(doc(step("a", "params", Map.of("outer", Map.of("list", List.of("ok", "${input..x}"))))),
                    "steps[0].params.outer.list[1]", "'${input..x}' has an empty or invalid path segment");
        }
    }

    @Nested
    class UnknownFields {

        @Test
        void an_unknown_root_field_is_rejected() {
            assertInvalid(Map.of("name", "wf", "steps", List.of(step("a")), "version", 1), "version",
                    "unknown field 'version'");
        }

        @Test
        void an_unknown_field_next_to_workflow_is_rejected() {
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("extra", true);
            document.put("workflow", seed001Body());

            assertInvalid(document, "extra", "unknown field 'extra'");
        }

        @Test
        void an_unknown_step_field_is_rejected() {
            assertInvalid(doc(step("a"), step("b", "command", "run")), "steps[1].command", "unknown field 'command'");
        }

        @Test
        void an_unknown_retry_field_is_rejected() {
            assertInvalid(doc(step("a", "retry", Map.of("delay", 5))), "steps[0].retry.delay",
                    "unknown field 'delay'");
        }

        @Test
        void params_and_parameters_together_are_rejected() {
            assertInvalid(doc(step("a", "params", Map.of(), "parameters", Map.of())), "steps[0].parameters",
                    "give either params or parameters, not both");
        }

        @Test
        void steps_and_jobs_together_are_rejected() {
            assertInvalid(Map.of("name", "wf", "steps", List.of(step("a")), "jobs", List.of(step("b"))), "jobs",
                    "give either steps or jobs, not both");
        }
    }

    @Nested
    class WrongTypes {

        @Test
        void always_run_must_be_a_boolean() {
            assertInvalid(doc(step("a", "always_run", "yes")), "steps[0].always_run", "must be true or false");
        }

        @Test
        void priority_must_be_an_integer() {
            assertInvalid(doc(step("a", "priority", "high")), "steps[0].priority", "must be an integer");
        }

        @Test
        void a_fractional_timeout_is_not_an_integer() {
            assertInvalid(doc(step("a", "timeout_seconds", 1.5)), "steps[0].timeout_seconds", "must be an integer");
        }

        @Test
        void a_priority_beyond_an_int_is_not_an_integer() {
            assertInvalid(doc(step("a", "priority", 10_000_000_000L)), "steps[0].priority", "must be an integer");
        }

        @Test
        void depends_on_must_name_steps() {
            assertInvalid(doc(step("a"), step("b", "depends_on", 5)), "steps[1].depends_on",
                    "must be a step id (a string)");
        }

        @Test
        void each_name_in_a_list_must_be_a_string() {
            assertInvalid(doc(step("a"), step("b", "on_success", List.of("a", 5))), "steps[1].on_success[1]",
                    "must be a step id (a string)");
        }

        @Test
        void params_must_be_an_object() {
            assertInvalid(doc(step("a", "params", "x")), "steps[0].params", "must be a JSON object");
        }

        @Test
        void parameters_must_be_an_object_and_are_reported_as_written() {
            assertInvalid(doc(step("a", "parameters", List.of(1))), "steps[0].parameters", "must be a JSON object");
        }

        @Test
        void a_step_must_be_an_object() {
            assertInvalid(Map.of("name", "wf", "steps", List.of("a")), "steps[0]", "must be a JSON object");
        }

        @Test
        void a_step_needs_an_id() {
            assertInvalid(Map.of("name", "wf", "steps", List.of(Map.of("type", "render"))), "steps[0].id",
                    "is required");
        }

        @Test
        void an_id_must_be_a_token() {
            assertInvalid(doc(step("has space")), "steps[0].id", "must be 1-100 letters, digits");
        }

        @Test
        void a_type_must_be_a_token() {
            assertInvalid(doc(step("a", "type", "-bad")), "steps[0].type", "must be 1-100 characters");
        }

        @Test
        void the_name_must_be_a_string() {
            assertInvalid(Map.of("name", 5, "steps", List.of(step("a"))), "name", "must be a string");
        }

        @Test
        void the_workflow_block_must_be_an_object() {
            assertInvalid(Map.of("workflow", "data-pipeline"), "workflow", "must be a JSON object");
        }

        @Test
        void the_document_must_be_an_object() {
            assertInvalid(List.of(step("a")), "workflow", "must be a JSON object");
        }

        @Test
        void a_missing_document_is_rejected() {
            assertInvalid(null, "workflow", "a workflow definition is required");
        }
    }

    @Nested
    class Ranges {

        @Test
        void a_priority_out_of_range_is_reported_at_the_step() {
            assertInvalid(doc(step("a", "priority", 5000)), "steps[0].priority", "must be between -1000 and 1000");
        }

        @Test
        void a_timeout_out_of_range_is_reported_at_the_step() {
            assertInvalid(doc(step("a"), step("b", "timeout_seconds", 0)), "steps[1].timeout_seconds",
                    "must be between 1 and 3600");
        }

        @Test
        void a_retry_out_of_range_is_reported_under_the_steps_retry() {
            assertInvalid(doc(step("a", "retry", Map.of("max_attempts", 0))), "steps[0].retry.max_attempts",
                    "must be between 1 and");
        }

        @Test
        void a_jobs_priority_out_of_range_is_reported_under_jobs() {
            assertInvalid(Map.of("name", "wf", "jobs", List.of(step("a", "priority", -1001))), "jobs[0].priority",
                    "must be between -1000 and 1000");
        }

        @Test
        void too_many_steps_are_rejected() {
            List<Map<String, Object>> steps = new ArrayList<>();
            for (int i = 0; i <= WorkflowDefinition.MAX_STEPS; i++) {
                steps.add(step("s" + i));
            }

            assertInvalid(Map.of("name", "wf", "steps", steps), "steps", "must hold at most 1000 steps");
        }
    }

    @Nested
    class MissingParts {

        @Test
        void a_missing_name_is_rejected() {
            assertInvalid(Map.of("steps", List.of(step("a"))), "name", "must not be blank");
        }

        @Test
        void a_blank_name_is_rejected() {
            assertInvalid(Map.of("name", "   ", "steps", List.of(step("a"))), "name", "must not be blank");
        }

        @Test
        void a_too_long_name_is_rejected() {
            assertInvalid(Map.of("name", "n".repeat(201), "steps", List.of(step("a"))), "name",
                    "must be at most 200 characters");
        }

        @Test
        void an_empty_steps_list_is_rejected() {
            assertInvalid(Map.of("name", "wf", "steps", List.of()), "steps", "must be a non-empty list of steps");
        }

        @Test
        void an_empty_jobs_list_is_rejected_as_jobs() {
            assertInvalid(Map.of("workflow", Map.of("name", "wf", "jobs", List.of())), "jobs",
                    "must be a non-empty list of steps");
        }

        @Test
        void a_document_without_steps_is_rejected() {
            assertInvalid(Map.of("name", "wf"), "steps", "must be a non-empty list of steps");
        }

        @Test
        void steps_that_are_not_a_list_are_rejected() {
            assertInvalid(Map.of("name", "wf", "steps", Map.of("id", "a")), "steps",
                    "must be a non-empty list of steps");
        }
    }

    @Nested
    class StepIds {

        @Test
        void a_step_id_may_not_hold_a_dot_so_that_references_to_it_read_unambiguously() {
            assertInvalid(doc(step("load.v2")), "steps[0].id", "must be 1-100 letters, digits, '_' or '-'");
        }

        @Test
        void a_step_id_with_dashes_and_underscores_can_be_referred_to() {
            WorkflowDefinition definition = WorkflowDocument.parse(doc(step("load_v-2"),
                    step("use", "depends_on", "load_v-2", "params", Map.of("n", "${steps.load_v-2.result.n}"))));

            assertThat(StepParams.resolve(definition.step("use").params(), Map.of(),
                    Map.of("load_v-2", Map.of("n", 42)))).isEqualTo(Map.of("n", 42));
        }
    }

    @Nested
    class Size {

        /** {@code n} steps, each depending on the {@code fanIn} steps before it (or all, when fewer). */
        private Map<String, Object> dense(int n, int fanIn) {
            List<Map<String, Object>> steps = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                List<String> deps = new java.util.ArrayList<>();
                for (int j = Math.max(0, i - fanIn); j < i; j++) {
                    deps.add("s" + j);
                }
                steps.add(step("s" + i, "type", "t", "depends_on", deps, "params",
                        Map.of("from", i == 0 ? "start" : "${steps.s" + (i - 1) + ".result.x}")));
            }
            return Map.of("name", "dense", "steps", steps);
        }

        @Test
        void a_graph_of_more_edges_than_the_limit_is_refused_whole() {
            // 600 steps each depending on every earlier one: 179,700 edges.
            assertInvalid(dense(600, 600), "steps", "the limit is " + StepGraph.MAX_EDGES);
        }

        @Test
        void the_largest_graphs_within_the_limits_are_checked_completely() {
            WorkflowDefinition wide = WorkflowDocument.parse(dense(WorkflowDefinition.MAX_STEPS, 20));
            assertThat(wide.steps()).hasSize(WorkflowDefinition.MAX_STEPS);
            WorkflowDefinition deep = WorkflowDocument.parse(dense(200, 200));
            assertThat(deep.steps().getLast().dependsOn()).hasSize(199);

            // A reference to a step that does not run before is still found at the end of a long chain.
            Map<String, Object> bad = dense(WorkflowDefinition.MAX_STEPS, 1);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> steps = new java.util.ArrayList<>((List<Map<String, Object>>) bad.get("steps"));
            steps.set(3, step("s3", "type", "t", "depends_on", List.of("s2"), "params",
                    Map.of("late", "${steps.s999.result.x}")));
            assertInvalid(Map.of("name", "bad", "steps", steps), "steps[3].params.late", "does not run before");
        }

        @Test
        void a_step_naming_a_step_twice_or_too_many_steps_is_refused() {
            assertInvalid(doc(step("a"), step("b", "depends_on", List.of("a", "a"))), "steps[1].depends_on[1]",
                    "names 'a' twice");
            List<String> many = new java.util.ArrayList<>();
            for (int i = 0; i <= WorkflowDefinition.MAX_STEPS; i++) {
                many.add("x" + i);
            }
            assertInvalid(doc(step("a", "depends_on", many)), "steps[0].depends_on", "at most");
        }
    }
}
