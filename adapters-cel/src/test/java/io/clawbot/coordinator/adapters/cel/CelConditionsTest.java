package io.clawbot.coordinator.adapters.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.common.port.Conditions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CelConditionsTest {

    private final CelConditions cel = new CelConditions();
    private static final Set<String> STEP = Set.of("input", "steps");

    private boolean eval(String expression, Map<String, Object> variables) {
        Conditions.Outcome outcome = cel.evaluate(expression, variables);
        assertThat(outcome.error()).as(expression).isNull();
        return outcome.value();
    }

    @Test
    void seed_003s_threshold_over_json_numbers_of_any_width() {
        cel.check("when", "input.amount > 10000", STEP);
        assertThat(eval("input.amount > 10000", Map.of("input", Map.of("amount", 25000), "steps", Map.of())))
                .isTrue();
        assertThat(eval("input.amount > 10000", Map.of("input", Map.of("amount", 500L), "steps", Map.of())))
                .isFalse();
        assertThat(eval("input.amount > 10000", Map.of("input", Map.of("amount", 10000.5), "steps", Map.of())))
                .isTrue();
    }

    @Test
    void earlier_steps_results_and_statuses_strings_lists_and_macros() {
        Map<String, Object> vars = Map.of("input", Map.of("tags", List.of("eu", "vip")), "steps",
                Map.of("validate", Map.of("status", "completed", "result", Map.of("ok", true, "country", "DE"))));
        assertThat(eval("steps.validate.status == 'completed' && steps.validate.result.ok", vars)).isTrue();
        assertThat(eval("'vip' in input.tags && input.tags.exists(t, t.startsWith('e'))", vars)).isTrue();
        assertThat(eval("has(input.missing) ? input.missing > 1 : false", vars)).isFalse();
        assertThat(eval("steps.validate.result.country.matches('^D')", vars)).isTrue();
    }

    @Test
    void what_cannot_be_evaluated_is_false_with_the_reason() {
        Conditions.Outcome outcome = cel.evaluate("input.missing > 1", Map.of("input", Map.of(), "steps", Map.of()));
        assertThat(outcome.value()).isFalse();
        assertThat(outcome.error()).contains("missing");
        Map<String, Object> nothing = new java.util.HashMap<>();
        nothing.put("x", null);
        assertThat(cel.evaluate("input.x == null", Map.of("input", nothing, "steps", Map.of())).value()).isTrue();
    }

    @Test
    void bad_conditions_are_refused_at_check_with_the_place() {
        assertThatThrownBy(() -> cel.check("steps[1].when", "input.amount >", STEP))
                .isInstanceOf(ValidationException.class).hasMessageContaining("steps[1].when")
                .hasMessageContaining("1:");
        assertThatThrownBy(() -> cel.check("steps[1].when", "order.amount > 1", STEP))
                .isInstanceOf(ValidationException.class).hasMessageContaining("order");
        assertThatThrownBy(() -> cel.check("steps[1].when", "input.amount + 1", STEP))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> cel.check("steps[1].when", "x".repeat(Conditions.MAX_LENGTH + 1), STEP))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> cel.check("match.condition", "", Set.of("event")))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void a_comprehension_is_bounded() {
        List<Object> many = java.util.stream.LongStream.range(0, 5000).boxed().map(Object.class::cast).toList();
        Conditions.Outcome outcome = cel.evaluate("input.xs.all(x, x >= 0)", Map.of("input", Map.of("xs", many),
                "steps", Map.of()));
        assertThat(outcome.value()).isFalse();
        assertThat(outcome.error()).isNotNull();
        assertThat(eval("input.xs.all(x, x >= 0)", Map.of("input", Map.of("xs", many.subList(0, 500)), "steps",
                Map.of()))).isTrue();
    }
}
