package io.clawbot.coordinator.application.bot;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Bot tokens: 32 random bytes, shown to the client once; only their SHA-256 is stored. A token is long and
 * random, so a plain (unsalted) hash is enough to look it up and useless to anyone who reads the table.
 */
public final class BotTokens {

    static final String PREFIX = "cbt_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private BotTokens() {
    }

    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String token) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
