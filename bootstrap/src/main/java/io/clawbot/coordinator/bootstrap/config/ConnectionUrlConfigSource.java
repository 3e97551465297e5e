package io.clawbot.coordinator.bootstrap.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Lets the usual {@code DATABASE_URL} and {@code REDIS_URL} environment variables configure the coordinator.
 * {@code DATABASE_URL=postgresql://user:password@host:5432/db?sslmode=require} becomes the reactive and JDBC
 * datasource URLs plus username and password; {@code REDIS_URL} becomes {@code quarkus.redis.hosts}.
 *
 * <p>Its ordinal sits above {@code application.properties} and below environment variables and system
 * properties, so an explicit {@code QUARKUS_DATASOURCE_*} setting still wins.
 */
public class ConnectionUrlConfigSource extends VariableConfigSource {

    public ConnectionUrlConfigSource() {
        this(System.getenv());
    }

    ConnectionUrlConfigSource(Map<String, String> env) {
        super("DATABASE_URL/REDIS_URL", properties(env));
    }

    private static Map<String, String> properties(Map<String, String> env) {
        Map<String, String> props = new HashMap<>();
        String database = env.get("DATABASE_URL");
        if (database != null && !database.isBlank()) {
            props.putAll(datasource(database.strip()));
        }
        String redis = env.get("REDIS_URL");
        if (redis != null && !redis.isBlank()) {
            props.put("quarkus.redis.hosts", redis.strip());
        }
        return props;
    }

    static Map<String, String> datasource(String url) {
        String plain = url.startsWith("jdbc:") ? url.substring(5) : url;
        URI uri;
        try {
            uri = URI.create(plain);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "DATABASE_URL is not a URL: expected postgresql://user:password@host:port/database");
        }
        String scheme = uri.getScheme();
        if (!"postgresql".equals(scheme) && !"postgres".equals(scheme)) {
            throw new IllegalArgumentException("DATABASE_URL must start with postgresql:// (got " + scheme + "://)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "DATABASE_URL has no host: expected postgresql://user:password@host:port/database");
        }
        String hostPort = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        Map<String, String> props = new HashMap<>();
        props.put("quarkus.datasource.reactive.url", "postgresql://" + hostPort + path + query);
        props.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPort + path + query);
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            // Split before decoding: an encoded ':' (%3A) belongs to the user name or the password.
            int colon = userInfo.indexOf(':');
            String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
            props.put("quarkus.datasource.username", percentDecode(user));
            if (colon >= 0) {
                props.put("quarkus.datasource.password", percentDecode(userInfo.substring(colon + 1)));
            }
        }
        return props;
    }

    /**
     * A URL's percent-encoding undone (RFC 3986): {@code %2B} is {@code +}, and a {@code +} stays a {@code +}, unlike
     * in the form encoding {@link URLDecoder} reads, where it stands for a space. The URI parser has already refused
     * malformed escapes.
     */
    static String percentDecode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

}
