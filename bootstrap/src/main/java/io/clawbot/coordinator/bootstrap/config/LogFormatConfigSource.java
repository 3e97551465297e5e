package io.clawbot.coordinator.bootstrap.config;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * One variable for the log's shape: {@code CLAWBOT_LOG_FORMAT=json} writes every line as a JSON object (for a
 * cluster's log pipeline; the Kubernetes manifests set it), {@code plain} (the default) writes lines for a
 * terminal. Any other value stops the start with a message that says what is allowed. Like
 * {@link ConnectionUrlConfigSource}, it sits above {@code application.properties} and below explicit Quarkus
 * settings.
 */
public class LogFormatConfigSource implements ConfigSource {

    static final String VARIABLE = "CLAWBOT_LOG_FORMAT";
    static final String PROPERTY = "quarkus.log.console.json.enabled";

    private final Map<String, String> properties;

    public LogFormatConfigSource() {
        this(System.getenv());
    }

    LogFormatConfigSource(Map<String, String> env) {
        String format = env.get(VARIABLE);
        if (format == null || format.isBlank()) {
            properties = Map.of();
            return;
        }
        properties = switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "json" -> Map.of(PROPERTY, "true");
            case "plain" -> Map.of(PROPERTY, "false");
            default -> throw new IllegalArgumentException(VARIABLE + " must be json or plain, not '" + format + "'");
        };
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return VARIABLE;
    }

    @Override
    public int getOrdinal() {
        return ConnectionUrlConfigSource.ORDINAL;
    }
}
