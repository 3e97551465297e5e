package io.clawbot.coordinator.adapters.rest.access;

import io.clawbot.coordinator.application.access.IssuedKey;
import io.clawbot.coordinator.domain.access.ApiKey;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the key API. */
public final class KeyDtos {

    private KeyDtos() {
    }

    // The formatter mishandles records with annotated components.
    // @formatter:off
    @Schema(name = "CreateKeyRequest")
    public record CreateKeyRequest(
            @Schema(required = true, example = "ci-pipeline", description = "Letters, digits, '.', '_' or '-'; unique among live keys", pattern = ApiKey.NAME_PATTERN) String name,
            @Schema(required = true) String role,
            @Schema(description = "For a submitter: the only task types it may create (empty: any)", maxItems = ApiKey.MAX_TASK_TYPES) List<String> taskTypes,
            @Schema(description = "When the key stops working; none: never") Instant expiresAt) {
    }

    @Schema(name = "ApiKey", description = "An API key as stored: never its secret", requiredProperties = { "id", "name", "role", "task_types", "prefix", "created_at" })
    public record KeyResponse(
            UUID id,
            String name,
            String role,
            List<String> taskTypes,
            @Schema(description = "The first characters of the secret, to recognise it") String prefix,
            Instant createdAt,
            Instant expiresAt,
            @Schema(description = "When it last authenticated a request, to the minute") Instant lastUsedAt,
            Instant revokedAt) {
        // @formatter:on

        public static KeyResponse of(ApiKey key) {
            return new KeyResponse(key.id().value(), key.name(), key.role().wire(), key.taskTypes(), key.prefix(),
                    key.createdAt(), key.expiresAt(), key.lastUsedAt(), key.revokedAt());
        }
    }

    // @formatter:off
    @Schema(name = "IssuedKey", description = "A key with its secret, shown this once", requiredProperties = { "id", "name", "role", "task_types", "prefix", "created_at", "key" })
    public record IssuedKeyResponse(
            UUID id,
            String name,
            String role,
            List<String> taskTypes,
            String prefix,
            Instant createdAt,
            Instant expiresAt,
            @Schema(description = "The secret: send it as Authorization: Bearer <key>; it is not shown again") String key) {
        // @formatter:on

        public static IssuedKeyResponse of(IssuedKey issued) {
            ApiKey k = issued.key();
            return new IssuedKeyResponse(k.id().value(), k.name(), k.role().wire(), k.taskTypes(), k.prefix(),
                    k.createdAt(), k.expiresAt(), issued.secret());
        }
    }
}
