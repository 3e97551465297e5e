package io.clawbot.coordinator.adapters.rest.common;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.clawbot.coordinator.domain.common.NulCharacters;
import io.clawbot.coordinator.domain.common.ValidationException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads YAML request bodies (workflow definitions, seed 001) into the plain maps the domain reads JSON into. Every
 * failure is a {@link ValidationException} on the field {@code body}, so bad YAML answers 400, never 500.
 *
 * <p>
 * YAML is read as YAML 1.1 by SnakeYAML: {@code yes}/{@code on} are booleans, timestamps stay strings. Aliases,
 * duplicate keys, a second document and values JSON cannot hold ({@code .inf}, {@code !!binary}) are rejected.
 * The size of the body is limited before it gets here ({@link BodySizeLimit}).
 */
public final class YamlDocuments {

    private static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** Parser messages that name only what is in the document, never a class; others are left out. */
    private static final Pattern PLAIN_MESSAGE = Pattern.compile("(Duplicate field|Malformed numeric value) '[^']*'");

    /**
     * The largest YAML document read, in bytes: the YAML parser's time grows faster than the size of a long scalar
     * (a 1 MB string took seconds), so YAML gets a smaller limit than JSON. A definition of 1,000 steps fits.
     */
    public static final int MAX_BYTES = 256 * 1024;
    private static final java.util.Set<String> TYPES = java.util.Set.of("application/yaml", "application/x-yaml",
            "text/yaml", "text/x-yaml", "text/plain");

    private YamlDocuments() {
    }

    /** Whether a body of this content type is read as YAML. */
    public static boolean isYaml(String contentType) {
        return contentType != null
                && TYPES.contains(contentType.toLowerCase(java.util.Locale.ROOT).split(";", 2)[0].strip());
    }

    /**
     * The YAML document in {@code body}, which must be a mapping.
     *
     * @throws ValidationException on the field {@code body} when it is empty, not YAML, or not a mapping
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parse(String body) {
        if (body == null || body.isBlank()) {
            throw new ValidationException("body", "a YAML document (a mapping) is required");
        }
        if (body.length() > MAX_BYTES) {
            // A body sent without a length (chunked) is only measured here.
            throw new ValidationException("body", "a YAML document may have at most " + MAX_BYTES + " characters");
        }
        Object document;
        try (JsonParser parser = new NoAliases(MAPPER.getFactory().createParser(body))) {
            document = MAPPER.readValue(parser, Object.class);
        } catch (JsonProcessingException e) {
            throw new ValidationException("body", "is not valid YAML" + problem(e) + location(e));
        } catch (YAMLException | IOException e) {
            // What SnakeYAML raises past Jackson (a limit of its loader); its message may name classes.
            throw new ValidationException("body", "is not valid YAML");
        }
        if (!(document instanceof Map<?, ?> map)) {
            throw new ValidationException("body", "must be a YAML mapping (key: value lines), not "
                    + (document instanceof List<?> ? "a list" : "a single value"));
        }
        checkJsonValues("", map);
        return (Map<String, Object>) map;
    }

    private static String problem(JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblem() != null) {
                return ": " + marked.getProblem();
            }
        }
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Trailing token")) {
            return ": it holds more than one document";
        }
        return message != null && PLAIN_MESSAGE.matcher(message).matches() ? ": " + message : "";
    }

    private static String location(JsonProcessingException e) {
        return location(e.getLocation());
    }

    /**
     * Refuses aliases ({@code *name}): Jackson reads one as the anchor's name, a string, where the author meant the
     * anchored value.
     */
    private static final class NoAliases extends JsonParserDelegate {

        NoAliases(YAMLParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken token = super.nextToken();
            if (((YAMLParser) delegate).isCurrentAlias()) {
                throw new ValidationException("body", "uses the alias '*" + getText() + "'; aliases are not "
                        + "supported, write the value out" + location(currentLocation()));
            }
            return token;
        }
    }

    private static String location(JsonLocation at) {
        return at == null || at.getLineNr() < 1
                ? ""
                : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
    }

    /** Only what JSON can hold; the domain and the database read nothing else. */
    private static void checkJsonValues(String path, Object value) {
        if (value instanceof String text && NulCharacters.in(text)
                || value instanceof Map<?, ?> keyed
                        && keyed.keySet().stream().anyMatch(k -> NulCharacters.in(k.toString()))) {
            // YAML writes it as \0, \x00 or \u0000 in a double-quoted string.
            throw new ValidationException("body", "the value at '" + path.replace('\0', '?') + "': strings "
                    + NulCharacters.MESSAGE);
        }
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> checkJsonValues(path.isEmpty() ? k.toString() : path + "." + k, v));
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                checkJsonValues(path + "[" + i + "]", l.get(i));
            }
        } else if (!isJsonScalar(value)) {
            throw new ValidationException("body", "the value at '" + path + "' cannot be held in JSON; use a "
                    + "string, number, boolean, list or mapping");
        }
    }

    private static boolean isJsonScalar(Object value) {
        return value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof BigInteger || value instanceof BigDecimal
                || value instanceof Double d && Double.isFinite(d);
    }
}
