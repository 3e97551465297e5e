package io.clawbot.coordinator.domain.common;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Payloads, results and metadata are JSON objects held as maps of plain Java values (String, Number, Boolean,
 * List, Map, null). This keeps the domain free of any JSON library.
 */
public final class JsonObjects {

    private JsonObjects() {
    }

    /** An unmodifiable copy that keeps key order and tolerates JSON nulls; {@code null} becomes empty. */
    public static Map<String, Object> copyOf(Map<String, Object> source) {
        if (source == null || source.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(source));
    }

    /** Like {@link #copyOf(Map)} but keeps {@code null} as "absent". */
    public static Map<String, Object> copyOfNullable(Map<String, Object> source) {
        return source == null ? null : copyOf(source);
    }
}
