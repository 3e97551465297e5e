package io.clawbot.coordinator.domain.trigger;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A trigger's secrets: the signing secret (an HMAC key, so it is kept itself, not a hash), the one it replaced while
 * its overlap lasts, and a Slack bot token for replies. None of them is ever returned by the API.
 */
public record TriggerSecrets(String current, String previous, Instant previousUntil, String botToken) {

    public static final int MIN_SECRET = 16;
    public static final int MAX_SECRET = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The secrets a delivery may be signed with at {@code now}: the current one, then the previous one. */
    public List<String> valid(Instant now) {
        List<String> out = new ArrayList<>(2);
        out.add(current);
        if (previous != null && previousUntil != null && now.isBefore(previousUntil)) {
            out.add(previous);
        }
        return out;
    }

    /** A new random secret in the shape the source uses. */
    public static String generate(TriggerSource source) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return source == TriggerSource.STANDARD_WEBHOOKS
                ? HookSignatures.STANDARD_SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes)
                : Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Checks a secret given by a client; {@code field} names it in the error. */
    public static String check(TriggerSource source, String field, String secret) {
        if (secret == null || secret.length() < MIN_SECRET || secret.length() > MAX_SECRET) {
            throw new ValidationException(field, "must be " + MIN_SECRET + "-" + MAX_SECRET + " characters");
        }
        if (!secret.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new ValidationException(field, "must be printable ASCII");
        }
        if (source == TriggerSource.STANDARD_WEBHOOKS) {
            byte[] key = HookSignatures.standardKey(secret);
            if (key == null || key.length < 24 || key.length > 64) {
                throw new ValidationException(field, "a Standard Webhooks secret is whsec_ followed by 24-64 bytes "
                        + "in base64");
            }
        }
        return secret;
    }
}
