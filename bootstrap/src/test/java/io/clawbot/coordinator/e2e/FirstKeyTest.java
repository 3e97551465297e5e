package io.clawbot.coordinator.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.application.access.FirstKey;
import io.clawbot.coordinator.application.access.IssuedKey;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The first admin key: made at start when the database has none, and made once when replicas starting together
 * race to make it (raced here over the real database, many times).
 */
@QuarkusTest
@TestProfile(NoProvidedKey.class)
class FirstKeyTest {

    @Inject
    FirstKey firstKey;

    @Test
    void a_database_without_keys_gets_one_admin_key_at_start() {
        assertThat(Database.rows("select role, name from api_keys")).containsExactly(List.of("admin", "admin"));
    }

    @Test
    void replicas_racing_to_make_the_first_key_make_exactly_one() throws Exception {
        for (int round = 0; round < 25; round++) {
            Database.execute("delete from audit_events");
            Database.execute("delete from api_keys");
            List<CompletableFuture<IssuedKey>> racers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                racers.add(CompletableFuture.supplyAsync(
                        () -> firstKey.makeIfNone().await().atMost(Duration.ofSeconds(10))));
            }
            long made = 0;
            for (var racer : racers) {
                if (racer.get() != null) {
                    made++;
                }
            }
            assertThat(made).as("round " + round).isEqualTo(1);
            assertThat(Database.count("select count(*) from api_keys")).as("round " + round).isEqualTo(1);
        }
    }
}
