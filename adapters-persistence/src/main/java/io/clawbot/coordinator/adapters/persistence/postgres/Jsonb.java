package io.clawbot.coordinator.adapters.persistence.postgres;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts between the domain's plain JSON maps and the PG client's jsonb values. */
final class Jsonb {

    private Jsonb() {
    }

    static JsonObject of(Map<String, Object> value) {
        return value == null ? null : new JsonObject(value);
    }

    /** A plain map (nested maps and lists, no Vert.x types), or {@code null}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> toMap(Object column) {
        if (column == null) {
            return null;
        }
        Object plain = plain(column);
        return plain instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of("value", plain);
    }

    private static Object plain(Object value) {
        if (value instanceof JsonObject o) {
            return plainMap(o.getMap());
        }
        if (value instanceof Map<?, ?> m) {
            return plainMap(m);
        }
        if (value instanceof JsonArray a) {
            return plainList(a.getList());
        }
        if (value instanceof List<?> l) {
            return plainList(l);
        }
        return value;
    }

    private static Map<String, Object> plainMap(Map<?, ?> source) {
        Map<String, Object> out = new LinkedHashMap<>(source.size() * 2);
        source.forEach((k, v) -> out.put(String.valueOf(k), plain(v)));
        return out;
    }

    private static List<Object> plainList(List<?> source) {
        List<Object> out = new ArrayList<>(source.size());
        source.forEach(v -> out.add(plain(v)));
        return out;
    }
}
