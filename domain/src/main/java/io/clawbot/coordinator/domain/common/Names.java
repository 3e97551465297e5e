package io.clawbot.coordinator.domain.common;

import java.util.regex.Pattern;

/** Shared rules for short identifiers that people type: bot names, capabilities, task types. */
public final class Names {

    /** A capability or task type, as a regular expression matched against the whole value. */
    public static final String TOKEN_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$";
    private static final Pattern TOKEN = Pattern.compile(TOKEN_PATTERN);

    private Names() {
    }

    /** A capability or task type: 1-100 characters of letters, digits and {@code . _ : / -}. */
    public static String token(String field, String value) {
        if (value == null || !TOKEN.matcher(value).matches()) {
            throw new ValidationException(field,
                    "must be 1-100 characters of letters, digits, '.', '_', ':', '/' or '-', starting with a letter or digit");
        }
        return value;
    }

    /** Whether {@code value} is a valid capability or task type (see {@link #token}). */
    public static boolean isToken(String value) {
        return value != null && TOKEN.matcher(value).matches();
    }

    /** Free text that must be present: trimmed, 1 to {@code max} characters. */
    public static String required(String field, String value, int max) {
        if (value == null || value.isBlank()) {
            throw new ValidationException(field, "must not be blank");
        }
        String trimmed = value.strip();
        if (trimmed.length() > max) {
            throw new ValidationException(field, "must be at most " + max + " characters");
        }
        return trimmed;
    }

    /** Optional free text: {@code null} stays null, otherwise at most {@code max} characters. */
    public static String optional(String field, String value, int max) {
        if (value == null) {
            return null;
        }
        if (value.length() > max) {
            throw new ValidationException(field, "must be at most " + max + " characters");
        }
        return value;
    }
}
