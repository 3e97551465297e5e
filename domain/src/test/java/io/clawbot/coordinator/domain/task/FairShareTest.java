package io.clawbot.coordinator.domain.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FairShareTest {

    @Test
    void a_key_takes_the_payload_s_fields_and_its_weight_is_1_unless_given() {
        assertThat(FairShare.of("tenant:${payload.t}", null, Map.of("t", "acme")))
                .isEqualTo(new FairShare("tenant:acme", 1));
        assertThat(FairShare.of("k", 3, Map.of())).isEqualTo(new FairShare("k", 3));
        assertThat(FairShare.of(null, null, Map.of())).isNull();
    }

    @Test
    void a_weight_without_a_key_a_bad_weight_and_a_bad_key_are_refused() {
        assertThatThrownBy(() -> FairShare.of(null, 2, Map.of())).isInstanceOf(ValidationException.class)
                .hasMessageContaining("fairness_key");
        assertThatThrownBy(() -> FairShare.of("k", 0, Map.of())).isInstanceOf(ValidationException.class)
                .hasMessageContaining("fairness_weight");
        assertThatThrownBy(() -> FairShare.of("k", 1001, Map.of())).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> FairShare.of(" ", 1, Map.of())).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> FairShare.of("k".repeat(201), 1, Map.of())).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> FairShare.of("${payload.x}", 1, Map.of("x", "y".repeat(201))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("resolves to a key of 201");
        assertThatThrownBy(() -> FairShare.of("${payload.missing}", 1, Map.of()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("fairness_key");
    }

    @Test
    void the_virtual_time_is_the_head_s_tag_else_the_latest_tag_else_0_and_a_key_never_starts_before_it() {
        assertThat(FairShare.virtualTime(4.0, 9.0)).isEqualTo(4.0);
        assertThat(FairShare.virtualTime(null, 9.0)).isEqualTo(9.0);
        assertThat(FairShare.virtualTime(null, null)).isZero();
        assertThat(FairShare.start(4.0, null)).as("a new key").isEqualTo(4.0);
        assertThat(FairShare.start(4.0, 2.0)).as("a key that fell behind").isEqualTo(4.0);
        assertThat(FairShare.start(4.0, 7.5)).as("a key with tasks waiting").isEqualTo(7.5);
    }

    private record Tagged(String key, double tag) {
    }

    /** Tags a backlog as the store does, one key after the other, and reads it in tag order. */
    @Test
    void tags_interleave_keys_by_their_weights_and_a_late_key_joins_at_the_head() {
        List<Tagged> queue = new ArrayList<>();
        double heavy = 0;
        for (int i = 0; i < 30; i++) {
            heavy = FairShare.start(0, heavy) + 1.0 / 3;
            queue.add(new Tagged("heavy", heavy));
        }
        double head = queue.getFirst().tag();
        Double light = null;
        for (int i = 0; i < 10; i++) {
            light = FairShare.start(FairShare.virtualTime(head, null), light) + 1.0;
            queue.add(new Tagged("light", light));
        }
        queue.sort(Comparator.comparingDouble(Tagged::tag));
        for (int end = 4; end <= 40; end += 4) {
            long lights = queue.subList(0, end).stream().filter(t -> t.key().equals("light")).count();
            assertThat(lights).as("light among the first %d", end).isBetween((long) end / 4 - 1, (long) end / 4 + 1);
        }

        // 20 taken; a late key starts at the head of what is left.
        List<Tagged> left = new ArrayList<>(queue.subList(20, queue.size()));
        double late = FairShare.start(FairShare.virtualTime(left.getFirst().tag(), null), null) + 1.0;
        left.add(new Tagged("late", late));
        left.sort(Comparator.comparingDouble(Tagged::tag));
        assertThat(left.subList(0, 6)).extracting(Tagged::key).contains("late");
    }
}
