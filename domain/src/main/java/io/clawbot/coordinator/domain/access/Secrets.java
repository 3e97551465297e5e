package io.clawbot.coordinator.domain.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Bearer secrets: API keys ({@code cbk_}) and bot tokens ({@code cbt_}), each 32 random bytes (256 bits) after a
 * visible prefix that makes a leaked one recognisable, shown to the client once. Only their SHA-256 is stored: a
 * secret is long and random, so a plain hash is enough to look it up and useless to anyone who reads the table.
 */
public final class Secrets {

    public static final String KEY_PREFIX = "cbk_";
    public static final String BOT_TOKEN_PREFIX = "cbt_";
    /** How many characters of a key are kept in the clear to recognise it: the prefix and six more. */
    public static final int VISIBLE_CHARACTERS = KEY_PREFIX.length() + 6;
    private static final Pattern WELL_FORMED = Pattern.compile("cb[kt]_[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    public static String newKey() {
        return KEY_PREFIX + random();
    }

    public static String newBotToken() {
        return BOT_TOKEN_PREFIX + random();
    }

    /** Whether the value has the shape of a key or token this service issues (says nothing of its validity). */
    public static boolean wellFormed(String value) {
        return value != null && WELL_FORMED.matcher(value).matches();
    }

    /** The characters of a key kept in the clear. */
    public static String visiblePart(String key) {
        return key.substring(0, VISIBLE_CHARACTERS);
    }

    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
