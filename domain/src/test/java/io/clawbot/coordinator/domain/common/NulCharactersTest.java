package io.clawbot.coordinator.domain.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NulCharactersTest {

    @Test
    void finds_a_raw_or_escaped_nul_in_json_and_nothing_else() {
        for (String json : new String[]{ "{\"a\": \"\\u0000\"}", "{\"\\u0000\": 1}", "{\"a\": \"x\u0000\"}",
                "[\"\\\\\\u0000\"]" }) {
            assertThat(NulCharacters.inJsonText(json)).as(json).isTrue();
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            assertThat(NulCharacters.inJsonBytes(bytes, bytes.length)).as(json).isTrue();
        }
        for (String json : new String[]{ "{\"a\": \"\\\\u0000\"}", "{\"a\": \"\\u0001 \\u00000\"}".replace("\\u00000",
                "\\u1000"), "{\"a\": \"é\\u00e9 ☃ \\\"u0000\"}", "{\"a\": \"\\u000\"}", "\\" }) {
            assertThat(NulCharacters.inJsonText(json)).as(json).isFalse();
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            assertThat(NulCharacters.inJsonBytes(bytes, bytes.length)).as(json).isFalse();
        }
        assertThat(NulCharacters.in("a\u0000b")).isTrue();
        assertThat(NulCharacters.in("a\\u0000b")).isFalse();
    }
}
