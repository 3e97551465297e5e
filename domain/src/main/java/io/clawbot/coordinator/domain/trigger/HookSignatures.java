package io.clawbot.coordinator.domain.trigger;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The three ways a sender signs a delivery, checked on the raw bytes of the body before anything parses it. Every
 * comparison of a signature is constant-time ({@link MessageDigest#isEqual}); a timestamped scheme refuses a
 * delivery whose timestamp lies more than {@link #REPLAY_WINDOW} from now either way.
 */
public final class HookSignatures {

    /** How far a signed timestamp may lie from now (Slack's and Standard Webhooks' five minutes). */
    public static final Duration REPLAY_WINDOW = Duration.ofMinutes(5);
    /** The prefix of a Standard Webhooks secret; the rest is the key, in base64. */
    public static final String STANDARD_SECRET_PREFIX = "whsec_";

    private HookSignatures() {
    }

    /** Why a delivery's signature was refused; {@code null} from a check means it was accepted. */
    public enum Refusal {
        MISSING("the signature headers are missing"), MALFORMED("the signature or timestamp is malformed"), STALE(
                "the timestamp lies more than 5 minutes from now: a replay or a wrong clock"), MISMATCH(
                        "the signature does not match the body with this trigger's secret");

        private final String detail;

        Refusal(String detail) {
            this.detail = detail;
        }

        public String detail() {
            return detail;
        }
    }

    /**
     * Slack's v0 signing: {@code X-Slack-Signature: v0=<hex>}, an HMAC-SHA256 of {@code v0:<timestamp>:<body>} with
     * the app's signing secret.
     */
    public static Refusal slack(List<String> secrets, String timestamp, String signature, byte[] body, Instant now) {
        if (timestamp == null || signature == null) {
            return Refusal.MISSING;
        }
        Refusal stale = checkTimestamp(timestamp, now);
        if (stale != null) {
            return stale;
        }
        if (!signature.startsWith("v0=") || !isHex(signature.substring(3), 64)) {
            return Refusal.MALFORMED;
        }
        byte[] given = HexFormat.of().parseHex(signature.substring(3));
        for (String secret : secrets) {
            byte[] expected = hmac(secret.getBytes(StandardCharsets.UTF_8),
                    ("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8), body);
            if (MessageDigest.isEqual(expected, given)) {
                return null;
            }
        }
        return Refusal.MISMATCH;
    }

    /** GitHub's signing: {@code X-Hub-Signature-256: sha256=<hex>}, an HMAC-SHA256 of the body. */
    public static Refusal github(List<String> secrets, String signature, byte[] body) {
        if (signature == null) {
            return Refusal.MISSING;
        }
        if (!signature.startsWith("sha256=") || !isHex(signature.substring(7), 64)) {
            return Refusal.MALFORMED;
        }
        byte[] given = HexFormat.of().parseHex(signature.substring(7));
        for (String secret : secrets) {
            if (MessageDigest.isEqual(hmac(secret.getBytes(StandardCharsets.UTF_8), new byte[0], body), given)) {
                return null;
            }
        }
        return Refusal.MISMATCH;
    }

    /**
     * Standard Webhooks: {@code webhook-signature} holds one or more space-separated {@code v1,<base64>}, each an
     * HMAC-SHA256 of {@code <webhook-id>.<webhook-timestamp>.<body>} keyed with the secret's base64 part.
     */
    public static Refusal standard(List<String> secrets, String id, String timestamp, String signatures, byte[] body,
            Instant now) {
        if (id == null || timestamp == null || signatures == null) {
            return Refusal.MISSING;
        }
        Refusal stale = checkTimestamp(timestamp, now);
        if (stale != null) {
            return stale;
        }
        byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        boolean anyWellFormed = false;
        for (String candidate : signatures.strip().split(" +")) {
            if (!candidate.startsWith("v1,")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(candidate.substring(3));
            } catch (IllegalArgumentException e) {
                continue;
            }
            anyWellFormed = true;
            for (String secret : secrets) {
                byte[] key = standardKey(secret);
                if (key != null && MessageDigest.isEqual(hmac(key, prefix, body), given)) {
                    return null;
                }
            }
        }
        return anyWellFormed ? Refusal.MISMATCH : Refusal.MALFORMED;
    }

    /** The key of a Standard Webhooks secret ({@code whsec_<base64>}), or {@code null} when it is not one. */
    public static byte[] standardKey(String secret) {
        if (secret == null || !secret.startsWith(STANDARD_SECRET_PREFIX)) {
            return null;
        }
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring(STANDARD_SECRET_PREFIX.length()));
            return key.length == 0 ? null : key;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The Slack v0 signature of a body, as a sender computes it (used to sign test requests and examples). */
    public static String signSlack(String secret, String timestamp, byte[] body) {
        return "v0=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8),
                ("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8), body));
    }

    /** The GitHub signature of a body. */
    public static String signGithub(String secret, byte[] body) {
        return "sha256=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), new byte[0], body));
    }

    /** The Standard Webhooks signature of a body. */
    public static String signStandard(String secret, String id, String timestamp, byte[] body) {
        byte[] key = standardKey(secret);
        if (key == null) {
            throw new IllegalArgumentException("not a Standard Webhooks secret");
        }
        return "v1," + Base64.getEncoder()
                .encodeToString(hmac(key, (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body));
    }

    private static Refusal checkTimestamp(String timestamp, Instant now) {
        if (timestamp.isEmpty() || timestamp.length() > 12 || !timestamp.chars().allMatch(Character::isDigit)) {
            return Refusal.MALFORMED;
        }
        long seconds = Long.parseLong(timestamp);
        if (Math.abs(now.getEpochSecond() - seconds) > REPLAY_WINDOW.toSeconds()) {
            return Refusal.STALE;
        }
        return null;
    }

    private static boolean isHex(String text, int length) {
        return text.length() == length && text.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f'
                || c >= 'A' && c <= 'F');
    }

    private static byte[] hmac(byte[] key, byte[] prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix);
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
        }
    }
}
