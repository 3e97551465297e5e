package io.clawbot.coordinator.botclient.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.botclient.AssignedTask;
import io.clawbot.coordinator.botclient.TaskFailure;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleBotTest {

    @Test
    void echoes_the_payload_with_the_bot_and_the_time_taken() throws Exception {
        Map<String, Object> payload = Map.of("sleep_ms", 50, "word", "hi");

        Map<String, Object> result = ExampleBot.echo(task(payload), "bot-7");

        assertThat(result).containsEntry("echo", payload).containsEntry("handled_by", "bot-7");
        assertThat((Long) result.get("took_ms")).isBetween(50L, 5_000L);
    }

    @Test
    void fails_when_asked_to() {
        assertThatThrownBy(() -> ExampleBot.echo(task(Map.of("fail", true)), "bot-7")).hasMessage("asked to fail");
    }

    @Test
    void a_failure_carries_an_error_code_that_the_payload_may_choose() {
        assertThatThrownBy(() -> ExampleBot.echo(task(Map.of("fail", true)), "bot-7"))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo("asked_to_fail"));
        assertThatThrownBy(() -> ExampleBot.echo(task(Map.of("fail", true, "error_code", "bad_input")), "bot-7"))
                .isInstanceOfSatisfying(TaskFailure.class, f -> assertThat(f.code()).isEqualTo("bad_input"));
    }

    @Test
    void does_not_fail_unless_fail_is_true() throws Exception {
        Map<String, Object> payload = Map.of("fail", "yes", "error_code", "ignored");

        assertThat(ExampleBot.echo(task(payload), "bot-7")).containsEntry("echo", payload);
    }

    @Test
    void arguments_override_the_environment() {
        Map<String, String> config = ExampleBot.config(new String[]{ "BOT_SLOTS=4", "ignored" },
                Map.of("BOT_TOKEN", "t", "BOT_SLOTS", "2", "PATH", "/bin"));

        assertThat(config).isEqualTo(Map.of("BOT_TOKEN", "t", "BOT_SLOTS", "4"));
    }

    private static AssignedTask task(Map<String, Object> payload) {
        return new AssignedTask("t-1", 1, "echo", payload, 0, 60, null, null);
    }
}
