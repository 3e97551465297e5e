package io.clawbot.coordinator.bootstrap.config;

import java.util.Locale;
import java.util.Map;

/**
 * One variable for the log's shape: {@code CLAWBOT_LOG_FORMAT=json} writes every line as a JSON object (for a
 * cluster's log pipeline; the Kubernetes manifests set it), {@code plain} (the default) writes lines for a
 * terminal. Any other value stops the start with a message that says what is allowed. Like
 * {@link ConnectionUrlConfigSource}, it sits above {@code application.properties} and below explicit Quarkus
 * settings.
 */
public class LogFormatConfigSource extends VariableConfigSource {

    static final String VARIABLE = "CLAWBOT_LOG_FORMAT";
    static final String PROPERTY = "quarkus.log.console.json.enabled";

    public LogFormatConfigSource() {
        this(System.getenv());
    }

    LogFormatConfigSource(Map<String, String> env) {
        super(VARIABLE, properties(env.get(VARIABLE)));
    }

    private static Map<String, String> properties(String format) {
        if (format == null || format.isBlank()) {
            return Map.of();
        }
        return switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "json" -> Map.of(PROPERTY, "true");
            case "plain" -> Map.of(PROPERTY, "false");
            default -> throw new IllegalArgumentException(VARIABLE + " must be json or plain, not '" + format + "'");
        };
    }

}
