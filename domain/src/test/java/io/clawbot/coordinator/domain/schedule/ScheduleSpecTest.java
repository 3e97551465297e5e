package io.clawbot.coordinator.domain.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.time.ZoneId;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ScheduleSpecTest {

    private static void assertInvalid(String field, ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ValidationException.class,
                e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void left_out_values_take_the_defaults() {
        ScheduleSpec spec = ScheduleSpec.of(" nightly ", null, "0 2 * * *", null, null, Map.of(), null, null);

        assertThat(spec.name()).isEqualTo("nightly");
        assertThat(spec.timeZone()).isEqualTo("UTC");
        assertThat(spec.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(spec.target()).isEqualTo(ScheduleTarget.TASK);
        assertThat(spec.enabled()).isTrue();
        assertThat(spec.misfirePolicy()).isEqualTo(MisfirePolicy.SKIP);
    }

    @Test
    void wire_names_are_read() {
        ScheduleSpec spec = ScheduleSpec.of("n", "d", "0 9 * * 1-5", "Europe/Berlin", "workflow", Map.of("a", 1),
                false, "fire_once");

        assertThat(spec.target()).isEqualTo(ScheduleTarget.WORKFLOW);
        assertThat(spec.misfirePolicy()).isEqualTo(MisfirePolicy.FIRE_ONCE);
        assertThat(spec.enabled()).isFalse();
        assertThat(spec.template()).containsEntry("a", 1);
    }

    @Test
    void each_bad_value_is_rejected_naming_its_field() {
        assertInvalid("name", () -> ScheduleSpec.of(" ", null, "* * * * *", null, null, Map.of(), null, null));
        assertInvalid("name", () -> ScheduleSpec.of("x".repeat(201), null, "* * * * *", null, null, Map.of(), null,
                null));
        assertInvalid("description", () -> ScheduleSpec.of("n", "x".repeat(2001), "* * * * *", null, null, Map.of(),
                null, null));
        assertInvalid("cron", () -> ScheduleSpec.of("n", null, null, null, null, Map.of(), null, null));
        assertInvalid("time_zone", () -> ScheduleSpec.of("n", null, "* * * * *", "Mars/Olympus_Mons", null,
                Map.of(), null, null));
        assertInvalid("time_zone", () -> ScheduleSpec.of("n", null, "* * * * *", "", null, Map.of(), null, null));
        assertInvalid("target", () -> ScheduleSpec.of("n", null, "* * * * *", null, "job", Map.of(), null, null));
        assertInvalid("template", () -> ScheduleSpec.of("n", null, "* * * * *", null, null, null, null, null));
        assertInvalid("misfire_policy", () -> ScheduleSpec.of("n", null, "* * * * *", null, null, Map.of(), null,
                "catch_up"));
    }
}
