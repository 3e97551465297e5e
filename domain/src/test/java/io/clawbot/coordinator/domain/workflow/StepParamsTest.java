package io.clawbot.coordinator.domain.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StepParamsTest {

    private final Map<String, Object> input = Map.of("file", "in.csv", "count", 3, "ratio", 0.5, "opts",
            Map.of("deep", true, "level", Map.of("name", "x")), "items", List.of("first", "second"));

    private final Map<String, Map<String, Object>> results = Map.of("a",
            Map.of("n", 42, "rows", List.of(Map.of("id", 7), Map.of("id", 8)), "summary", Map.of("ok", true)));

    private Object resolved(String text) {
        return StepParams.resolve(Map.of("v", text), input, results).get("v");
    }

    @Nested
    class WholeStringReferences {

        @Test
        void a_number_stays_a_number() {
            assertThat(resolved("${input.count}")).isEqualTo(3);
            assertThat(resolved("${input.ratio}")).isEqualTo(0.5);
            assertThat(resolved("${steps.a.result.n}")).isEqualTo(42);
        }

        @Test
        void a_boolean_stays_a_boolean() {
            assertThat(resolved("${input.opts.deep}")).isEqualTo(true);
        }

        @Test
        void a_map_stays_a_map() {
            assertThat(resolved("${input.opts.level}")).isEqualTo(Map.of("name", "x"));
            assertThat(resolved("${steps.a.result.summary}")).isEqualTo(Map.of("ok", true));
        }

        @Test
        void a_list_stays_a_list() {
            assertThat(resolved("${input.items}")).isEqualTo(List.of("first", "second"));
        }

        @Test
        void the_whole_result_of_a_step() {
            assertThat(resolved("${steps.a.result}")).isEqualTo(results.get("a"));
        }

        @Test
        void the_whole_input() {
            assertThat(resolved("${input}")).isEqualTo(input);
        }

        @Test
        void spaces_inside_the_braces_are_ignored() {
            assertThat(resolved("${ input.file }")).isEqualTo("in.csv");
        }
    }

    @Nested
    class EmbeddedReferences {

        @Test
        void references_inside_text_become_text() {
            assertThat(resolved("file ${input.file} has ${steps.a.result.n} rows (${input.count})"))
                    .isEqualTo("file in.csv has 42 rows (3)");
        }

        @Test
        void a_map_inside_text_is_written_as_its_text() {
            assertThat(resolved("level=${input.opts.level}")).isEqualTo("level={name=x}");
        }

        @Test
        void dollar_signs_and_backslashes_in_values_are_kept_as_they_are() {
            Map<String, Object> resolved = StepParams.resolve(Map.of("v", "cost: ${input.price}"),
                    Map.of("price", "$1 \\ $2"), Map.of());

            assertThat(resolved.get("v")).isEqualTo("cost: $1 \\ $2");
        }

        @Test
        void text_without_references_is_left_alone() {
            assertThat(resolved("costs $5 {not a reference}")).isEqualTo("costs $5 {not a reference}");
        }
    }

    @Nested
    class Escapes {

        @Test
        void a_doubled_dollar_stands_for_a_literal_reference_sign() {
            assertThat(StepParams.references("p", Map.of("v", "cp out $${HOME}/x"))).isEmpty();
            assertThat(StepParams.resolve(Map.of("v", "cp out $${HOME}/x ${input.n}"), Map.of("n", 7), Map.of()))
                    .isEqualTo(Map.of("v", "cp out ${HOME}/x 7"));
        }

        @Test
        void literal_params_resolve_to_themselves() {
            Map<String, Object> data = Map.of("cmd", "echo ${HOME}", "list", java.util.List.of("${x}"), "n", 1);

            assertThat(StepParams.references("p", StepParams.literal(data))).isEmpty();
            assertThat(StepParams.resolve(StepParams.literal(data), Map.of(), Map.of())).isEqualTo(data);
        }
    }

    @Nested
    class MissingValues {

        @Test
        void a_missing_key_gives_null_for_a_whole_string_reference() {
            assertThat(resolved("${input.missing}")).isNull();
            assertThat(resolved("${steps.a.result.nope}")).isNull();
        }

        @Test
        void a_step_without_a_result_gives_null() {
            assertThat(resolved("${steps.b.result}")).isNull();
            assertThat(resolved("${steps.b.result.n}")).isNull();
        }

        @Test
        void a_path_through_a_plain_value_gives_null() {
            assertThat(resolved("${input.file.name}")).isNull();
        }

        @Test
        void a_missing_value_inside_text_is_the_empty_string() {
            assertThat(resolved("[${input.missing}]")).isEqualTo("[]");
            assertThat(resolved("n=${steps.b.result.n};")).isEqualTo("n=;");
        }
    }

    @Nested
    class ListIndexes {

        @Test
        void a_digit_segment_picks_a_list_element() {
            assertThat(resolved("${input.items.0}")).isEqualTo("first");
            assertThat(resolved("${input.items.1}")).isEqualTo("second");
        }

        @Test
        void indexes_and_keys_can_be_mixed() {
            assertThat(resolved("${steps.a.result.rows.1.id}")).isEqualTo(8);
        }

        @Test
        void an_index_past_the_end_gives_null() {
            assertThat(resolved("${input.items.2}")).isNull();
            assertThat(resolved("${input.items.99999999999}")).isNull();
        }

        @Test
        void a_non_digit_segment_on_a_list_gives_null() {
            assertThat(resolved("${input.items.first}")).isNull();
        }

        @Test
        void a_digit_segment_on_a_map_is_a_key() {
            Map<String, Object> resolved = StepParams.resolve(Map.of("v", "${input.codes.0}"),
                    Map.of("codes", Map.of("0", "zero")), Map.of());

            assertThat(resolved.get("v")).isEqualTo("zero");
        }
    }

    @Nested
    class Structure {

        @Test
        void nested_maps_and_lists_are_resolved_and_other_values_kept() {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("source", Map.of("file", "${input.file}", "limit", 10));
            params.put("targets", List.of("${steps.a.result.n}", "fixed", List.of("${input.count}")));
            params.put("flag", false);
            params.put("nothing", null);

            Map<String, Object> resolved = StepParams.resolve(params, input, results);

            Map<String, Object> expected = new HashMap<>();
            expected.put("source", Map.of("file", "in.csv", "limit", 10));
            expected.put("targets", List.of(42, "fixed", List.of(3)));
            expected.put("flag", false);
            expected.put("nothing", null);
            assertThat(resolved).isEqualTo(expected);
            assertThat(resolved.keySet()).containsExactly("source", "targets", "flag", "nothing");
        }

        @Test
        void empty_params_resolve_to_empty_params() {
            assertThat(StepParams.resolve(Map.of(), input, results)).isEmpty();
        }
    }

    @Nested
    class FindingReferences {

        @Test
        void each_reference_is_found_with_its_path_step_and_keys() {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("a", "${input.x.y}");
            params.put("b", List.of("${steps.s1.result}", "t ${steps.s2.result.k.0} u ${input}"));

            List<StepParams.Reference> references = StepParams.references("steps[3].params", params);

            assertThat(references).containsExactly(
                    new StepParams.Reference("steps[3].params.a", "${input.x.y}", null, List.of("x", "y")),
                    new StepParams.Reference("steps[3].params.b[0]", "${steps.s1.result}", "s1", List.of()),
                    new StepParams.Reference("steps[3].params.b[1]", "${steps.s2.result.k.0}", "s2",
                            List.of("k", "0")),
                    new StepParams.Reference("steps[3].params.b[1]", "${input}", null, List.of()));
        }

        @Test
        void params_without_references_have_none() {
            assertThat(StepParams.references("p", Map.of("a", "plain $ text", "b", 5, "c", List.of(true))))
                    .isEmpty();
        }

        @Test
        void a_reference_to_something_else_is_rejected() {
            assertRejected("${foo}", "'${foo}' is not a reference: use ${input.<path>} or "
                    + "${steps.<step id>.result.<path>}");
        }

        @Test
        void a_step_reference_without_result_is_rejected() {
            assertRejected("${steps.a}", "'${steps.a}' is not a reference");
            assertRejected("${steps.a.output.x}", "'${steps.a.output.x}' is not a reference");
        }

        @Test
        void an_empty_reference_is_rejected() {
            assertRejected("${}", "'${}' is not a reference");
        }

        @Test
        void an_invalid_step_id_is_rejected() {
            assertRejected("${steps.-x.result}", "'${steps.-x.result}' does not name a step");
        }

        @Test
        void an_empty_path_segment_is_rejected() {
            assertRejected("${input.}", "'${input.}' has an empty or invalid path segment");
            assertRejected("${steps.a.result..n}", "'${steps.a.result..n}' has an empty or invalid path segment");
        }

        @Test
        void an_unclosed_reference_is_rejected() {
            assertRejected("${input.x", "has an unclosed '${'");
            assertRejected("${input.x} and ${", "has an unclosed '${'");
        }

        private void assertRejected(String text, String message) {
            assertThatThrownBy(() -> StepParams.references("steps[0].params", Map.of("q", text)))
                    .isInstanceOfSatisfying(ValidationException.class, e -> {
                        assertThat(e.field()).isEqualTo("steps[0].params.q");
                        assertThat(e.getMessage()).startsWith("steps[0].params.q: " + message);
                    });
        }
    }
}
