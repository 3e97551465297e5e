package io.clawbot.coordinator.domain.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventTemplateTest {

    private static final Map<String, Object> EVENT = Map.of("text", "staging web", "user", "U1", "payload",
            Map.of("repository", Map.of("full_name", "acme/shop"), "commits", List.of(Map.of("id", "c1")),
                    "size", 3));

    @Test
    void whole_references_keep_their_value_and_embedded_ones_become_text() {
        Map<String, Object> out = EventTemplate.resolve(Map.of("a", "${event.text}", "b", "by ${event.user}!",
                "c", "${event.payload.size}", "d", "${event.payload.repository}", "e", "${event.payload.commits.0.id}",
                "f", "${event.missing}", "g", "[${event.missing}]"), EVENT);
        assertThat(out).containsEntry("a", "staging web").containsEntry("b", "by U1!").containsEntry("c", 3)
                .containsEntry("d", Map.of("full_name", "acme/shop")).containsEntry("e", "c1").containsEntry("g", "[]");
        assertThat(out.get("f")).isNull();
    }

    @Test
    void other_references_stay_for_the_workflow_and_escapes_become_literals() {
        Map<String, Object> out = EventTemplate.resolve(Map.of("params", Map.of("x", "${input.ref}", "y",
                "${steps.a.result.url}", "z", "$${event.text} is ${event.text}")), EVENT);
        assertThat(out.get("params")).isEqualTo(Map.of("x", "${input.ref}", "y", "${steps.a.result.url}", "z",
                "${event.text} is staging web"));
    }

    @Test
    void a_value_from_the_event_is_not_resolved_again() {
        Map<String, Object> out = EventTemplate.resolve(Map.of("a", "${event.text}", "b", "x ${event.text}"),
                Map.of("text", "${event.user} and ${input.secret}"));
        assertThat(out).containsEntry("a", "${event.user} and ${input.secret}")
                .containsEntry("b", "x ${event.user} and ${input.secret}");
    }

    @Test
    void malformed_references_name_their_path() {
        assertThatThrownBy(() -> EventTemplate.referencePaths("template", Map.of("p", List.of("${event..x}"))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("template.p[0]");
        assertThat(EventTemplate.referencePaths("template", Map.of("input", Map.of("t", "${event.text}"), "n", 1)))
                .containsExactly("template.input.t");
    }
}
