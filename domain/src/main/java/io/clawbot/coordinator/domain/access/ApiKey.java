package io.clawbot.coordinator.domain.access;

import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.id.KeyId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An API key as stored: never its secret, only a hash of it and the first characters ({@code prefix}) by which a
 * leaked key can be recognised.
 *
 * @param taskTypes for a {@code submitter}: the task types it may create (empty: any); empty for other roles
 * @param expiresAt after this the key no longer authenticates; {@code null} for never
 * @param lastUsedAt when it last authenticated a request, to the minute; {@code null} if never
 * @param revokedAt when it was revoked; a revoked key authenticates nothing and stays listed for the record
 */
public record ApiKey(KeyId id, String name, Role role, List<String> taskTypes, String prefix, Instant createdAt,
        Instant expiresAt, Instant lastUsedAt, Instant revokedAt) {

    /** A key's name, as a regular expression matched against the whole value. */
    public static final String NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";
    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    public static final int MAX_TASK_TYPES = 100;

    public ApiKey {
        Objects.requireNonNull(id, "id");
        name = name(name);
        Objects.requireNonNull(role, "role");
        taskTypes = taskTypes == null ? List.of() : List.copyOf(taskTypes);
        if (!taskTypes.isEmpty() && role != Role.SUBMITTER) {
            throw new ValidationException("task_types", "only a submitter key is limited to task types");
        }
        if (taskTypes.size() > MAX_TASK_TYPES) {
            throw new ValidationException("task_types", "must have at most " + MAX_TASK_TYPES + " entries");
        }
        taskTypes.forEach(type -> Names.token("task_types", type));
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A key name: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit. */
    public static String name(String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new ValidationException("name",
                    "must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return value;
    }

    /** Whether the key authenticates requests at this moment. */
    public boolean activeAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** The caller this key makes. */
    public Principal.Client principal() {
        return new Principal.Client(id, name, role, taskTypes);
    }
}
