package io.clawbot.coordinator.adapters.rest.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import jakarta.enterprise.context.ApplicationScoped;
import io.clawbot.coordinator.domain.access.Principal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Turns an {@code Idempotency-Key} header and a parsed request body into an {@link IdempotencyKey}. The
 * fingerprint is a SHA-256 of the body re-serialised with sorted keys, so whitespace and key order do not
 * make two equal requests look different.
 */
@ApplicationScoped
public class Fingerprint {

    public static final String HEADER = "Idempotency-Key";

    private final ObjectMapper canonical;

    public Fingerprint(ObjectMapper mapper) {
        this.canonical = mapper.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }

    /**
     * {@code null} when no key was sent. The caller's key is part of the fingerprint: a client repeating another
     * client's {@code Idempotency-Key} is told the key is taken (422), never shown the other client's work.
     */
    public IdempotencyKey key(String header, Object body, Principal.Client caller) {
        if (header == null) {
            return null;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            if (caller != null) {
                sha.update((caller.keyId() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            byte[] digest = sha.digest(canonical.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
            return new IdempotencyKey(header, HexFormat.of().formatHex(digest));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint request", e);
        }
    }
}
