package io.clawbot.coordinator.e2e;

import io.clawbot.coordinator.embedded.EmbeddedPostgres;
import io.clawbot.coordinator.embedded.EmbeddedRedis;
import io.clawbot.coordinator.embedded.FreePort;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real servers the end-to-end tests run against: the ones {@code DATABASE_URL} and {@code REDIS_URL} name
 * when set (CI), otherwise an embedded PostgreSQL and Redis started here. Either way the schema is emptied
 * at start (the test profile's Flyway clean).
 */
public class TestServers implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgres postgres;
    private EmbeddedRedis redis;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>();
        config.put("coordinator.admin-key", AsAdmin.newKey());
        if (blank(System.getenv("DATABASE_URL"))) {
            postgres = EmbeddedPostgres.start(Path.of("target", "embedded", "postgres"), FreePort.find());
            postgres.createDatabase("clawbot_test");
            String hostPort = "127.0.0.1:" + postgres.port() + "/clawbot_test";
            config.put("quarkus.datasource.reactive.url", "postgresql://" + hostPort);
            config.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPort);
            config.put("quarkus.datasource.username", "postgres");
        }
        if (blank(System.getenv("REDIS_URL"))) {
            redis = EmbeddedRedis.start(FreePort.find());
            config.put("quarkus.redis.hosts", redis.url());
        }
        return config;
    }

    @Override
    public void stop() {
        if (redis != null) {
            redis.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
