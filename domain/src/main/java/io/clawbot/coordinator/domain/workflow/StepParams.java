package io.clawbot.coordinator.domain.workflow;

import io.clawbot.coordinator.domain.common.JsonTrees;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * References in a step's params to the workflow's input and to earlier steps' results:
 * {@code ${input}}, {@code ${input.a.b}}, {@code ${steps.validate.result}}, {@code ${steps.validate.result.rows}}.
 * A string that is exactly one reference becomes the referenced JSON value (a number stays a number); a
 * reference inside a longer string is replaced by the value's text. What a path does not reach is {@code null}
 * (the empty string inside a longer string). A list index is a path segment of digits ({@code items.0}).
 * {@code $${} stands for a literal {@code ${}.
 */
public final class StepParams {

    /** A reference: {@code ${…}} not preceded by another {@code $} (which escapes it). */
    private static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\{([^}]*)}");
    private static final Pattern ESCAPED = Pattern.compile("\\$\\$\\{");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern STEP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");

    private StepParams() {
    }

    /**
     * One reference found in params.
     *
     * @param path where it is, for errors
     * @param text the reference as written, {@code ${…}}
     * @param step the step it names; {@code null} for the input
     * @param keys the path inside the input or the step's result
     */
    public record Reference(String path, String text, String step, List<String> keys) {
    }

    /** Every reference in {@code params}; a malformed one fails naming its path under {@code prefix}. */
    public static List<Reference> references(String prefix, Map<String, Object> params) {
        List<Reference> out = new ArrayList<>();
        collect(prefix, params, out);
        return out;
    }

    private static void collect(String prefix, Object value, List<Reference> out) {
        JsonTrees.forEachString(prefix, value, (path, s) -> {
            Matcher m = REFERENCE.matcher(s);
            while (m.find()) {
                out.add(parse(path, m.group(), m.group(1)));
            }
            if (ESCAPED.matcher(s.replaceAll(REFERENCE.pattern(), "")).replaceAll("").contains("${")) {
                throw new ValidationException(path, "has an unclosed '${'");
            }
        });
    }

    private static Reference parse(String path, String text, String inner) {
        String[] parts = inner.strip().split("\\.", -1);
        if (parts.length >= 1 && parts[0].equals("input")) {
            List<String> keys = keys(path, text, parts, 1);
            return new Reference(path, text, null, keys);
        }
        if (parts.length >= 3 && parts[0].equals("steps") && parts[2].equals("result")) {
            if (!STEP_ID.matcher(parts[1]).matches()) {
                throw new ValidationException(path, "'" + text + "' does not name a step");
            }
            return new Reference(path, text, parts[1], keys(path, text, parts, 3));
        }
        throw new ValidationException(path, "'" + text + "' is not a reference: use ${input.<path>} or "
                + "${steps.<step id>.result.<path>}");
    }

    private static List<String> keys(String path, String text, String[] parts, int from) {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < parts.length; i++) {
            if (!SEGMENT.matcher(parts[i]).matches()) {
                throw new ValidationException(path, "'" + text + "' has an empty or invalid path segment");
            }
            keys.add(parts[i]);
        }
        return keys;
    }

    /**
     * The params with every reference replaced.
     *
     * @param results the results of the steps that completed, by step id
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> resolve(Map<String, Object> params, Map<String, Object> input,
            Map<String, Map<String, Object>> results) {
        return (Map<String, Object>) resolveValue(params, input, results);
    }

    private static Object resolveValue(Object value, Map<String, Object> input,
            Map<String, Map<String, Object>> results) {
        return JsonTrees.mapStrings(value, s -> resolveText(s, input, results));
    }

    private static Object resolveText(String s, Map<String, Object> input, Map<String, Map<String, Object>> results) {
        Matcher m = REFERENCE.matcher(s);
        if (m.matches()) {
            return lookup(parse("", m.group(), m.group(1)), input, results);
        }
        StringBuilder out = new StringBuilder();
        m.reset();
        while (m.find()) {
            Object found = lookup(parse("", m.group(), m.group(1)), input, results);
            m.appendReplacement(out, Matcher.quoteReplacement(found == null ? "" : String.valueOf(found)));
        }
        m.appendTail(out);
        return ESCAPED.matcher(out).replaceAll(Matcher.quoteReplacement("${"));
    }

    /** {@code params} with every {@code ${} escaped, so that resolving gives them back unchanged. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> literal(Map<String, Object> params) {
        return (Map<String, Object>) escape(params);
    }

    private static Object escape(Object value) {
        return JsonTrees.mapStrings(value, s -> s.replace("${", "$${"));
    }

    private static Object lookup(Reference ref, Map<String, Object> input, Map<String, Map<String, Object>> results) {
        return JsonTrees.lookup(ref.step() == null ? input : results.get(ref.step()), ref.keys());
    }
}
