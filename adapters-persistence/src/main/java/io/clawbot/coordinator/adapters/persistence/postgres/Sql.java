package io.clawbot.coordinator.adapters.persistence.postgres;

import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for building parameterised SQL with optional filters. */
final class Sql {

    private Sql() {
    }

    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    /** A WHERE clause built from the filters that are present, with positional parameters. */
    static final class Where {
        private final List<String> conditions = new ArrayList<>();
        private final List<Object> params = new ArrayList<>();

        /** Adds {@code condition} where {@code ?} stands for {@code value}; skipped when the value is null. */
        Where and(String condition, Object value) {
            if (value != null) {
                params.add(value);
                conditions.add(condition.replace("?", "$" + params.size()));
            }
            return this;
        }

        /** Adds a condition without a parameter when {@code enabled}. */
        Where andIf(boolean enabled, String condition) {
            if (enabled) {
                conditions.add(condition);
            }
            return this;
        }

        /** A parameter placeholder for the caller's own use after the conditions (limit, offset). */
        String param(Object value) {
            params.add(value);
            return "$" + params.size();
        }

        String clause() {
            return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
        }

        Tuple tuple() {
            return Tuple.from(params);
        }
    }
}
