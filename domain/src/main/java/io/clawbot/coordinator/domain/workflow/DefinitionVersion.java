package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One stored version of a named workflow definition (a blueprint): runs are started from a name and a version.
 * Versions are numbered from 1 by the store and never change once stored.
 *
 * @param name the name it is registered and addressed under; the definition's own name is what its runs are
 *        called
 */
public record DefinitionVersion(String name, int version, WorkflowDefinition definition, Instant createdAt) {

    public static final int MAX_NAME_LENGTH = 100;
    /** A registration name, as a regular expression matched against the whole value. */
    public static final String NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:-]{0," + (MAX_NAME_LENGTH - 1) + "}$";
    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

    public DefinitionVersion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(createdAt, "createdAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be 1 or more, was " + version);
        }
    }

    /**
     * A valid registration name: like a {@link Names#token token} but without {@code /}, since the name is a
     * segment of the definition's URL.
     */
    public static String checkName(String field, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ValidationException(field, "must be 1-" + MAX_NAME_LENGTH + " characters of letters, digits, "
                    + "'.', '_', ':' or '-', starting with a letter or digit");
        }
        return name;
    }

    /** A version without its definition, for listings. */
    public record Header(int version, Instant createdAt) {
    }
}
