package io.clawbot.coordinator.domain.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.domain.trigger.HookSignatures.Refusal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The three signing schemes, against the examples their documentation publishes. */
class HookSignaturesTest {

    private static final String SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String SLACK_BODY = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
            + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
            + "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F"
            + "96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private static final String SLACK_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static final Instant SLACK_TIME = Instant.ofEpochSecond(1531420618);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void slacks_documented_example_verifies_within_five_minutes_of_its_timestamp() {
        assertThat(HookSignatures.slack(List.of(SLACK_SECRET), "1531420618", SLACK_SIGNATURE, bytes(SLACK_BODY),
                SLACK_TIME.plusSeconds(299))).isNull();
        assertThat(HookSignatures.signSlack(SLACK_SECRET, "1531420618", bytes(SLACK_BODY)))
                .isEqualTo(SLACK_SIGNATURE);
        assertThat(HookSignatures.slack(List.of(SLACK_SECRET), "1531420618", SLACK_SIGNATURE, bytes(SLACK_BODY),
                SLACK_TIME.plusSeconds(301))).isEqualTo(Refusal.STALE);
        assertThat(HookSignatures.slack(List.of(SLACK_SECRET), "1531420618", SLACK_SIGNATURE, bytes(SLACK_BODY),
                SLACK_TIME.minusSeconds(301))).isEqualTo(Refusal.STALE);
    }

    @Test
    void slack_refuses_another_secret_a_changed_body_or_timestamp_and_malformed_headers() {
        Instant now = SLACK_TIME;
        assertThat(HookSignatures.slack(List.of("another-secret"), "1531420618", SLACK_SIGNATURE, bytes(SLACK_BODY),
                now)).isEqualTo(Refusal.MISMATCH);
        assertThat(HookSignatures.slack(List.of(SLACK_SECRET), "1531420618", SLACK_SIGNATURE,
                bytes(SLACK_BODY + "&x=1"), now)).isEqualTo(Refusal.MISMATCH);
        assertThat(HookSignatures.slack(List.of(SLACK_SECRET), "1531420619", SLACK_SIGNATURE, bytes(SLACK_BODY),
                now)).isEqualTo(Refusal.MISMATCH);
        assertThat(HookSignatures.slack(List.of(SLACK_SECRET), null, SLACK_SIGNATURE, bytes(SLACK_BODY), now))
                .isEqualTo(Refusal.MISSING);
        assertThat(HookSignatures.slack(List.of(SLACK_SECRET), "1531420618", "v1=" + SLACK_SIGNATURE.substring(3),
                bytes(SLACK_BODY), now)).isEqualTo(Refusal.MALFORMED);
        assertThat(HookSignatures.slack(List.of(SLACK_SECRET), "15314e0618", SLACK_SIGNATURE, bytes(SLACK_BODY),
                now)).isEqualTo(Refusal.MALFORMED);
        assertThat(HookSignatures.slack(List.of(SLACK_SECRET), "1531420618", SLACK_SIGNATURE.substring(0, 60),
                bytes(SLACK_BODY), now)).isEqualTo(Refusal.MALFORMED);
        // During a rotation's overlap, either secret verifies.
        assertThat(HookSignatures.slack(List.of("the-new-secret", SLACK_SECRET), "1531420618", SLACK_SIGNATURE,
                bytes(SLACK_BODY), now)).isNull();
    }

    @Test
    void githubs_documented_example_verifies() {
        String signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assertThat(HookSignatures.github(List.of("It's a Secret to Everybody"), signature, bytes("Hello, World!")))
                .isNull();
        assertThat(HookSignatures.github(List.of("It's a Secret to Everybody"), signature, bytes("Hello, World?")))
                .isEqualTo(Refusal.MISMATCH);
        assertThat(HookSignatures.github(List.of("It's a Secret to Everybody"), signature.toUpperCase()
                .replace("SHA256", "sha256"), bytes("Hello, World!"))).isNull();
        assertThat(HookSignatures.github(List.of("x"), "sha1=abc", bytes("Hello, World!")))
                .isEqualTo(Refusal.MALFORMED);
        assertThat(HookSignatures.github(List.of("x"), null, bytes(""))).isEqualTo(Refusal.MISSING);
    }

    @Test
    void standard_webhooks_documented_example_verifies_among_several_signatures() {
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
        byte[] body = bytes("{\"test\": 2432232314}");
        Instant at = Instant.ofEpochSecond(1614265330);
        String expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        assertThat(HookSignatures.signStandard(secret, id, "1614265330", body)).isEqualTo(expected);
        assertThat(HookSignatures.standard(List.of(secret), id, "1614265330", expected, body, at)).isNull();
        assertThat(HookSignatures.standard(List.of(secret), id, "1614265330",
                "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + expected, body, at)).isNull();
        assertThat(HookSignatures.standard(List.of(secret), id + "x", "1614265330", expected, body, at))
                .isEqualTo(Refusal.MISMATCH);
        assertThat(HookSignatures.standard(List.of(secret), id, "1614265330", expected, body, at.plusSeconds(301)))
                .isEqualTo(Refusal.STALE);
        assertThat(HookSignatures.standard(List.of(secret), id, "1614265330", "v2,abc", body, at))
                .isEqualTo(Refusal.MALFORMED);
    }
}
