package io.clawbot.coordinator.domain.common;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Walks plain JSON trees (maps, lists, scalars): the common ground of the {@code ${…}} references in workflow
 * params and in trigger templates.
 */
public final class JsonTrees {

    private JsonTrees() {
    }

    /** A copy of the tree with every string replaced by what {@code strings} makes of it. */
    public static Object mapStrings(Object value, Function<String, Object> strings) {
        return switch (value) {
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), mapStrings(v, strings)));
                yield out;
            }
            case List<?> l -> {
                List<Object> out = new ArrayList<>(l.size());
                l.forEach(v -> out.add(mapStrings(v, strings)));
                yield out;
            }
            case String s -> strings.apply(s);
            case null, default -> value;
        };
    }

    /**
     * Visits every string in the tree with its path under {@code prefix}, as errors name fields:
     * {@code params.a.b}, {@code params.items[2]}.
     */
    public static void forEachString(String prefix, Object value, BiConsumer<String, String> visitor) {
        switch (value) {
            case Map<?, ?> m -> m.forEach((k, v) -> forEachString(prefix + "." + k, v, visitor));
            case List<?> l -> {
                for (int i = 0; i < l.size(); i++) {
                    forEachString(prefix + "[" + i + "]", l.get(i), visitor);
                }
            }
            case String s -> visitor.accept(prefix, s);
            case null, default -> {
            }
        }
    }

    /** Where a path leads from {@code root}: map keys, and list indexes as digits; {@code null} when it leads nowhere. */
    public static Object lookup(Object root, List<String> keys) {
        Object current = root;
        for (String key : keys) {
            current = switch (current) {
                case Map<?, ?> m -> m.get(key);
                case List<?> l when key.chars().allMatch(Character::isDigit) && key.length() < 10
                        && Integer.parseInt(key) < l.size() ->
                    l.get(Integer.parseInt(key));
                case null, default -> null;
            };
        }
        return current;
    }
}
