package io.clawbot.coordinator.application.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.task.SubmitTaskCommand;
import io.clawbot.coordinator.application.workflow.CreateWorkflowCommand;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.schedule.ScheduleTarget;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.RateLimit;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.TaskSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ScheduleTemplatesTest {

    private static void assertInvalid(String field, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void a_task_template_is_read_like_the_body_of_a_task_submission() {
        IdempotencyKey key = new IdempotencyKey("k", "f");

        SubmitTaskCommand command = ScheduleTemplates.task(
                Map.of("type", "build", "priority", 7, "payload", Map.of("ref", "main"), "timeout_seconds", 60L), key);

        assertThat(command.spec()).isEqualTo(TaskSpec.of("build", 7, Map.of("ref", "main"), 60));
        assertThat(command.idempotencyKey()).isEqualTo(key);
    }

    @Test
    void a_task_template_carries_retry_choices_and_a_schedule_to_start_limit() {
        SubmitTaskCommand command = ScheduleTemplates.task(Map.of("type", "build", "schedule_to_start_seconds", 30,
                "retry", Map.of("max_attempts", 5, "backoff_seconds", 2.5, "non_retryable_errors",
                        List.of("bad_ref"))),
                null);

        assertThat(command.spec().scheduleToStartSeconds()).isEqualTo(30);
        assertThat(command.spec().retry()).isEqualTo(new RetryPolicy.Overrides(5, 2.5, null, null, null,
                List.of("bad_ref")));
        assertInvalid("template.retry.max_attempts", () -> ScheduleTemplates.task(Map.of("retry",
                Map.of("max_attempts", "many")), null));
        assertInvalid("template.retry.jitters", () -> ScheduleTemplates.task(Map.of("retry",
                Map.of("jitters", 0.5)), null));
        assertInvalid("template.retry.non_retryable_errors[0]", () -> ScheduleTemplates.task(Map.of("retry",
                Map.of("non_retryable_errors", List.of(7))), null));
        assertThat(ScheduleTemplates.workflow(Map.of("name", "n", "task_payloads", List.of(Map.of()), "retry",
                Map.of("max_attempts", 1)), null).definition().steps().getFirst().retry().maxAttempts()).isEqualTo(1);
    }

    @Test
    void a_workflow_template_may_hold_a_graph_and_its_input() {
        CreateWorkflowCommand command = ScheduleTemplates.workflow(Map.of("definition", Map.of("name", "nightly",
                "steps", List.of(Map.of("id", "a", "type", "render"), Map.of("id", "b", "depends_on", "a"))),
                "input", Map.of("day", "mon")), null);

        assertThat(command.definition().steps()).extracting(s -> s.id()).containsExactly("a", "b");
        assertThat(command.input()).isEqualTo(Map.of("day", "mon"));
        assertInvalid("template.definition.steps[1].depends_on", () -> ScheduleTemplates.workflow(Map.of(
                "definition", Map.of("name", "n", "steps", List.of(Map.of("id", "a"), Map.of("id", "b",
                        "depends_on", "zz")))),
                null));
        assertInvalid("template.task_payloads", () -> ScheduleTemplates.workflow(Map.of("definition", Map.of(
                "name", "n", "steps", List.of(Map.of("id", "a"))), "task_payloads", List.of(Map.of())), null));
    }

    @Test
    void a_task_template_may_state_its_keys_resolved_against_its_payload() {
        Map<String, Object> template = new LinkedHashMap<>(Map.of("type", "sync", "payload", Map.of("account", "acme"),
                "concurrency_key", "customer:${payload.account}", "max_concurrency", 2, "fairness_key",
                "tenant:${payload.account}", "fairness_weight", 3));
        template.putAll(Map.of("rate_limit_key", "api:${payload.account}", "rate_per_second", 0.5, "rate_burst", 2));

        SubmitTaskCommand command = ScheduleTemplates.task(template, null);

        assertThat(command.concurrency()).isEqualTo(new ConcurrencyLimit("customer:acme", 2));
        assertThat(command.fairness()).isEqualTo(new FairShare("tenant:acme", 3));
        assertThat(command.rate()).isEqualTo(new RateLimit("api:acme", 0.5, 2));
        assertThat(ScheduleTemplates.task(Map.of("type", "sync"), null).rate()).isNull();
        assertInvalid("template.max_concurrency", () -> ScheduleTemplates.task(Map.of("concurrency_key", "k"), null));
        assertInvalid("template.rate_limit_key", () -> ScheduleTemplates.task(Map.of("rate_limit_key",
                "api:${payload.missing}", "rate_per_second", 1), null));
        assertInvalid("template.rate_per_second", () -> ScheduleTemplates.task(Map.of("rate_limit_key", "api",
                "rate_per_second", "fast"), null));
    }

    @Test
    void an_empty_task_template_takes_the_task_defaults() {
        assertThat(ScheduleTemplates.task(Map.of(), null).spec()).isEqualTo(TaskSpec.of(null, null, null, null));
    }

    @Test
    void json_nulls_in_a_template_mean_left_out() {
        Map<String, Object> template = new LinkedHashMap<>();
        template.put("type", "build");
        template.put("priority", null);

        assertThat(ScheduleTemplates.task(template, null).spec().priority()).isEqualTo(TaskSpec.DEFAULT_PRIORITY);
    }

    @Test
    void a_bad_task_template_is_rejected_naming_the_field_under_template() {
        assertInvalid("template.priority", () -> ScheduleTemplates.task(Map.of("priority", 5000), null));
        assertInvalid("template.priority", () -> ScheduleTemplates.task(Map.of("priority", "high"), null));
        assertInvalid("template.priority", () -> ScheduleTemplates.task(Map.of("priority", 1.5), null));
        assertInvalid("template.priority", () -> ScheduleTemplates.task(Map.of("priority", 1L << 40), null));
        assertInvalid("template.timeout_seconds", () -> ScheduleTemplates.task(Map.of("timeout_seconds", 0), null));
        assertInvalid("template.type", () -> ScheduleTemplates.task(Map.of("type", 3), null));
        assertInvalid("template.type", () -> ScheduleTemplates.task(Map.of("type", "has space"), null));
        assertInvalid("template.payload", () -> ScheduleTemplates.task(Map.of("payload", List.of(1)), null));
        assertInvalid("template.colour", () -> ScheduleTemplates.task(Map.of("colour", "red"), null));
        assertThatThrownBy(() -> ScheduleTemplates.task(Map.of("priority", 5000), null))
                .hasMessage("template.priority: must be between -1000 and 1000");
    }

    @Test
    void a_workflow_template_is_read_like_the_body_of_a_workflow_creation() {
        CreateWorkflowCommand command = ScheduleTemplates.workflow(Map.of("name", "nightly", "description", "d",
                "task_type", "render", "priority", 2, "timeout_seconds", 90, "task_payloads",
                List.of(Map.of("step", 1), Map.of("step", 2)), "metadata", Map.of("team", "video"), "auto_start",
                false), null);

        assertThat(command.name()).isEqualTo("nightly");
        assertThat(command.definition().steps()).extracting(s -> s.spec())
                .containsExactly(TaskSpec.of("render", 2, Map.of("step", 1), 90),
                        TaskSpec.of("render", 2, Map.of("step", 2), 90));
        assertThat(command.metadata()).containsEntry("team", "video");
        assertThat(command.autoStart()).isFalse();
    }

    @Test
    void a_bad_workflow_template_is_rejected_naming_the_field_under_template() {
        assertInvalid("template.name", () -> ScheduleTemplates.workflow(Map.of("task_payloads", List.of(Map.of())),
                null));
        assertInvalid("template.task_payloads", () -> ScheduleTemplates.workflow(Map.of("name", "w"), null));
        assertInvalid("template.task_payloads", () -> ScheduleTemplates.workflow(Map.of("name", "w",
                "task_payloads", Map.of()), null));
        assertInvalid("template.task_payloads[1]", () -> ScheduleTemplates.workflow(Map.of("name", "w",
                "task_payloads", List.of(Map.of(), "x")), null));
        assertInvalid("template.auto_start", () -> ScheduleTemplates.workflow(Map.of("name", "w", "task_payloads",
                List.of(Map.of()), "auto_start", "yes"), null));
        assertInvalid("template.payload", () -> ScheduleTemplates.validate(ScheduleTarget.WORKFLOW,
                Map.of("name", "w", "task_payloads", List.of(Map.of()), "payload", Map.of())));
    }

    @Test
    void the_fingerprint_ignores_key_order_and_number_boxing() {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("type", "build");
        one.put("priority", 3);
        Map<String, Object> other = new LinkedHashMap<>();
        other.put("priority", 3L);
        other.put("type", "build");

        assertThat(ScheduleTemplates.fingerprint(ScheduleTarget.TASK, one))
                .isEqualTo(ScheduleTemplates.fingerprint(ScheduleTarget.TASK, other))
                .hasSize(64);
    }

    @Test
    void the_fingerprint_differs_for_another_template_or_target() {
        String base = ScheduleTemplates.fingerprint(ScheduleTarget.TASK, Map.of("type", "build"));

        assertThat(ScheduleTemplates.fingerprint(ScheduleTarget.TASK, Map.of("type", "test"))).isNotEqualTo(base);
        assertThat(ScheduleTemplates.fingerprint(ScheduleTarget.WORKFLOW, Map.of("type", "build")))
                .isNotEqualTo(base);
        assertThat(ScheduleTemplates.fingerprint(ScheduleTarget.TASK, Map.of("type", List.of("build"))))
                .isNotEqualTo(base);
    }
}
