package io.clawbot.coordinator.bootstrap.config;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Quarkus settings derived from the service's own environment variables, computed once at start. Its ordinal sits
 * above {@code application.properties} and below environment variables and system properties, so an explicit
 * {@code QUARKUS_*} setting still wins.
 */
abstract class VariableConfigSource implements ConfigSource {

    static final int ORDINAL = 275;

    private final String name;
    private final Map<String, String> properties;

    /** @param name the variables it reads, as the configuration's diagnostics name it */
    VariableConfigSource(String name, Map<String, String> properties) {
        this.name = name;
        this.properties = Map.copyOf(properties);
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
        return name;
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
