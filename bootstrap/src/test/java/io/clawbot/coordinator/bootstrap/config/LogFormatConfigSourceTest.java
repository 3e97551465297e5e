package io.clawbot.coordinator.bootstrap.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatConfigSourceTest {

    @Test
    void json_switches_the_console_to_json_and_plain_or_nothing_leaves_it_for_a_terminal() {
        assertThat(new LogFormatConfigSource(Map.of("CLAWBOT_LOG_FORMAT", "json")).getValue(
                "quarkus.log.console.json.enabled")).isEqualTo("true");
        assertThat(new LogFormatConfigSource(Map.of("CLAWBOT_LOG_FORMAT", " JSON ")).getValue(
                "quarkus.log.console.json.enabled")).isEqualTo("true");
        assertThat(new LogFormatConfigSource(Map.of("CLAWBOT_LOG_FORMAT", "plain")).getValue(
                "quarkus.log.console.json.enabled")).isEqualTo("false");
        assertThat(new LogFormatConfigSource(Map.of()).getPropertyNames()).isEmpty();
    }

    @Test
    void anything_else_stops_the_start_naming_what_is_allowed() {
        assertThatThrownBy(() -> new LogFormatConfigSource(Map.of("CLAWBOT_LOG_FORMAT", "xml")))
                .hasMessageContaining("json or plain").hasMessageContaining("xml");
    }
}
