package io.clawbot.coordinator.e2e;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.inject.spi.CDI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads the database directly, to check what the API cannot show (history rows, atomicity). */
final class Database {

    private Database() {
    }

    static List<List<Object>> rows(String sql) {
        Pool pool = CDI.current().select(Pool.class).get();
        List<List<Object>> out = new ArrayList<>();
        for (Row row : pool.query(sql).execute().await().atMost(Duration.ofSeconds(10))) {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < row.size(); i++) {
                values.add(row.getValue(i));
            }
            out.add(values);
        }
        return out;
    }

    static long count(String sql) {
        return ((Number) rows(sql).getFirst().getFirst()).longValue();
    }

    static void execute(String sql) {
        CDI.current().select(Pool.class).get().query(sql).execute().await().atMost(Duration.ofSeconds(10));
    }
}
