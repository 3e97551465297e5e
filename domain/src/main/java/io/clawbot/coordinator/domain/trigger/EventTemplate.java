package io.clawbot.coordinator.domain.trigger;

import io.clawbot.coordinator.domain.common.JsonTrees;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A trigger's template takes values from the event with the rules of a workflow step's params: a string that is
 * exactly {@code ${event.<path>}} becomes the value there (an object stays an object); a reference inside a longer
 * string is replaced by the value's text; what the path does not reach is {@code null} (the empty string inside
 * a longer string); a list index is a segment of digits. {@code $${event.} stands for a literal
 * {@code ${event.}. Other references ({@code ${input.…}}, {@code ${steps.…}}) are left as written, for the
 * workflow that runs them.
 */
public final class EventTemplate {

    private static final Pattern REFERENCE = Pattern.compile("(?<!\\$)\\$\\{\\s*event(\\.[^}]*)?\\s*}");
    private static final Pattern ESCAPED = Pattern.compile("\\$\\$\\{(\\s*event)");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

    private EventTemplate() {
    }

    /** The paths of the template that hold an event reference (a malformed one fails naming its path). */
    public static List<String> referencePaths(String prefix, Object template) {
        List<String> out = new ArrayList<>();
        collect(prefix, template, out);
        return out;
    }

    private static void collect(String prefix, Object value, List<String> out) {
        JsonTrees.forEachString(prefix, value, (path, s) -> {
            Matcher m = REFERENCE.matcher(s);
            boolean found = false;
            while (m.find()) {
                keys(path, m.group(), m.group(1));
                found = true;
            }
            if (found) {
                out.add(path);
            }
        });
    }

    /** The template with every event reference replaced by the event's value. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> resolve(Map<String, Object> template, Map<String, Object> event) {
        return (Map<String, Object>) resolveValue(template, event);
    }

    /**
     * The template as it would be with every event value a short string: what a template makes of an event is
     * checked when the trigger is saved, before any event exists.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> sample(Map<String, Object> template) {
        return (Map<String, Object>) resolveValue(template, null);
    }

    private static Object resolveValue(Object value, Map<String, Object> event) {
        return JsonTrees.mapStrings(value, s -> resolveText(s, event));
    }

    private static Object resolveText(String s, Map<String, Object> event) {
        Matcher m = REFERENCE.matcher(s);
        if (m.matches()) {
            return lookup(keys("", m.group(), m.group(1)), event);
        }
        StringBuilder out = new StringBuilder();
        m.reset();
        boolean any = false;
        while (m.find()) {
            any = true;
            Object found = lookup(keys("", m.group(), m.group(1)), event);
            m.appendReplacement(out, Matcher.quoteReplacement(found == null ? "" : String.valueOf(found)));
        }
        if (!any && !s.contains("$${")) {
            return s;
        }
        m.appendTail(out);
        return ESCAPED.matcher(out).replaceAll("\\${$1");
    }

    private static List<String> keys(String path, String text, String tail) {
        List<String> keys = new ArrayList<>();
        if (tail == null) {
            return keys;
        }
        String[] parts = tail.strip().substring(1).split("\\.", -1);
        for (String part : parts) {
            if (!SEGMENT.matcher(part).matches()) {
                throw new ValidationException(path, "'" + text + "' has an empty or invalid path segment");
            }
            keys.add(part);
        }
        return keys;
    }

    private static Object lookup(List<String> keys, Map<String, Object> event) {
        return event == null ? "sample" : JsonTrees.lookup(event, keys);
    }
}
