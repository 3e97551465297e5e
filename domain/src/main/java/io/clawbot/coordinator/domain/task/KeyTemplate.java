package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A key as a client states it on a task, with {@code ${payload.<field>}} placeholders that take fields of the
 * task's payload (a dotted field nests): {@code customer:${payload.customer_id}}. Keys are resolved once, when the
 * task is created.
 */
public final class KeyTemplate {

    /** A placeholder in a key: {@code ${payload.a.b}} is the payload's field {@code a.b}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private KeyTemplate() {
    }

    /**
     * Checks a key's form without a payload (a task type's default key): every placeholder is
     * {@code ${payload.<field>}}.
     *
     * @param field the request's field that states the key, named in the error
     */
    public static void check(String field, String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            placeholderPath(field, m.group(1));
        }
    }

    /** The field a placeholder names, after {@code payload.}. */
    private static String placeholderPath(String field, String placeholder) {
        String path = placeholder.strip();
        if (!path.startsWith("payload.") || path.length() == "payload.".length()) {
            throw new ValidationException(field, "'${" + placeholder + "}' is not a placeholder of the form "
                    + "${payload.<field>}");
        }
        return path;
    }

    /**
     * The key resolved as {@link #resolve}; a key whose template fits in {@code maxLength} but whose resolved form
     * does not is refused saying so (a longer template is left to the key's own check).
     */
    public static String resolve(String field, String template, Map<String, Object> payload, int maxLength) {
        String resolved = resolve(field, template, payload);
        if (resolved.length() > maxLength && template.length() <= maxLength) {
            throw new ValidationException(field, "resolves to a key of " + resolved.length() + " characters; at "
                    + "most " + maxLength);
        }
        return resolved;
    }

    /**
     * The key with its placeholders replaced by the payload's fields, which must be strings, numbers or booleans.
     *
     * @param field the request's field that states the key, named in the error when a placeholder cannot be
     *        resolved
     */
    public static String resolve(String field, String template, Map<String, Object> payload) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String path = placeholderPath(field, m.group(1));
            Object value = payload;
            for (String part : List.of(path.substring("payload.".length()).split("\\.", -1))) {
                value = value instanceof Map<?, ?> map ? map.get(part) : null;
            }
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw new ValidationException(field, "'${" + path + "}' names " + (value == null
                        ? "no field of the payload"
                        : "a field that is not a string, number or boolean"));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf(value)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
