package io.clawbot.coordinator.adapters.persistence.postgres;

import io.vertx.pgclient.PgException;
import org.hibernate.exception.ConstraintViolationException;

/**
 * Recognises PostgreSQL errors by SQLSTATE and constraint name, however the ORM wrapped them: the PG client raises
 * {@link PgException}, which Hibernate Reactive may wrap in its {@link ConstraintViolationException}. Never by
 * message text.
 */
final class PgErrors {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String DEADLOCK_DETECTED = "40P01";

    private PgErrors() {
    }

    /** Whether {@code failure} was caused by the unique constraint named {@code constraint}. */
    static boolean isUniqueViolation(Throwable failure, String constraint) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return constraint.equals(pg.getConstraint());
            }
            if (t instanceof ConstraintViolationException cv
                    && cv.getKind() == ConstraintViolationException.ConstraintKind.UNIQUE
                    && cv.getConstraintName() != null) {
                return constraint.equals(cv.getConstraintName());
            }
        }
        return false;
    }

    /**
     * Whether PostgreSQL broke a deadlock by failing this transaction. It wrote nothing, so running the step again
     * against fresh state is safe, as after a lost version race.
     */
    static boolean isDeadlock(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && DEADLOCK_DETECTED.equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }

}
