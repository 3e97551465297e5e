package io.clawbot.coordinator.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the check asserts about a batch of tasks (all tasks of one type), read from the database and held against
 * the bots' own records: every task stored once and completed, none completed twice, no completion from an
 * attempt other than the current one or from one no bot ran, attempt numbers never going backwards.
 */
final class Invariants {

    /** The history causes of an attempt that ran out of time (Task.Timeout in the domain). */
    static final String TIMEOUT_CAUSES = "('ack_timeout', 'lease_expired', 'execution_timeout', "
            + "'schedule_to_start_timeout')";

    private final String jdbcUrl;

    Invariants(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    /**
     * Waits until every task of a submitted batch has ended (or the timeout passed), then checks it: the batch's
     * figures, with a {@link Violation} in place of each broken invariant.
     */
    Map<String, Object> settleAndCheck(Load load, Fleet fleet, Duration timeout) throws SQLException,
            InterruptedException {
        boolean settled = awaitSettled(load.type(), load.submitted(), timeout);
        Map<String, Object> out = check(load.type(), load.submitted(), fleet);
        out.put("settled", settled
                ? true
                : new Violation("not every task ended within " + timeout.toSeconds()
                        + " s"));
        out.put("submissions_sent_again", load.sentAgain());
        return out;
    }

    private boolean awaitSettled(String type, int submitted, Duration timeout) throws SQLException,
            InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection db = connect()) {
            while (System.nanoTime() < deadline) {
                if (count(db, "select count(*) from tasks where type = ? and status in ('completed', 'failed', "
                        + "'timed_out', 'cancelled')", type) >= submitted) {
                    return true;
                }
                Thread.sleep(500);
            }
        }
        return false;
    }

    private Map<String, Object> check(String type, int submitted, Fleet fleet) throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Connection db = connect()) {
            long total = count(db, "select count(*) from tasks where type = ?", type);
            long open = count(db, "select count(*) from tasks where type = ? and status not in ('completed', "
                    + "'failed', 'timed_out', 'cancelled', 'skipped')", type);
            long completed = count(db, "select count(*) from tasks where type = ? and status = 'completed'", type);
            long twice = count(db, "select count(*) from (select e.task_id from task_events e join tasks t "
                    + "on t.id = e.task_id where t.type = ? and e.to_status = 'completed' group by e.task_id "
                    + "having count(*) > 1) x", type);
            long stale = count(db, "select count(*) from task_events e join tasks t on t.id = e.task_id "
                    + "where t.type = ? and e.to_status = 'completed' and e.attempt <> t.attempt", type);
            long backwards = count(db, "select count(*) from (select e.attempt, lag(e.attempt) over (partition by "
                    + "e.task_id order by e.id) as previous from task_events e join tasks t on t.id = e.task_id "
                    + "where t.type = ?) x where attempt < previous", type);
            long unran = unran(db, type, fleet);
            long retried = count(db, "select count(*) from tasks where type = ? and attempt > 1", type);
            out.put("tasks_submitted", submitted);
            out.put("tasks_stored", total == submitted ? total : new Violation(total + " stored, none may be lost"));
            out.put("tasks_open", open == 0 ? 0 : new Violation(open + " not ended"));
            out.put("tasks_completed", completed == submitted
                    ? completed
                    : new Violation(completed + " of " + submitted + " completed"));
            out.put("tasks_completed_twice", twice == 0 ? 0 : new Violation(twice + " tasks"));
            out.put("completions_from_another_attempt", stale == 0 ? 0 : new Violation(stale + " completions"));
            out.put("attempt_going_backwards", backwards == 0 ? 0 : new Violation(backwards + " history entries"));
            out.put("completions_no_bot_ran", unran == 0 ? 0 : new Violation(unran + " completions"));
            out.put("tasks_that_needed_another_attempt", retried);
        }
        return out;
    }

    /** How many tasks of the batch bots hold right now (assigned or running). */
    long held(String type) throws SQLException {
        try (Connection db = connect()) {
            return count(db, "select count(*) from tasks where type = ? and status in ('assigned', 'in_progress')",
                    type);
        }
    }

    /** The batch's history entries with one of the given causes, counted per cause. */
    Map<String, Long> causes(String type, String causes) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection db = connect();
                PreparedStatement st = db.prepareStatement("select e.cause, count(*) from task_events e join tasks t "
                        + "on t.id = e.task_id where t.type = ? and e.cause in " + causes
                        + " group by e.cause order by e.cause")) {
            st.setString(1, type);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /**
     * How many attempts of the batch a draining replica handed back (as unaccepted) that their bot had received
     * and run to the end all the same: the acceptance was on its way when the replica released the assignment.
     */
    long handedBackYetRun(String type, Fleet fleet) throws SQLException {
        long run = 0;
        try (Connection db = connect();
                PreparedStatement st = db.prepareStatement("select e.task_id, e.attempt from task_events e join "
                        + "tasks t on t.id = e.task_id where t.type = ? and e.cause = 'handed_back'")) {
            st.setString(1, type);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (fleet.ran(rs.getString(1), rs.getInt(2))) {
                        run++;
                    }
                }
            }
        }
        return run;
    }

    private long unran(Connection db, String type, Fleet fleet) throws SQLException {
        long unran = 0;
        try (PreparedStatement st = db.prepareStatement("select id, attempt from tasks where type = ? and status "
                + "= 'completed'")) {
            st.setString(1, type);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    if (!fleet.ran(rs.getString(1), rs.getInt(2))) {
                        unran++;
                    }
                }
            }
        }
        return unran;
    }

    /** The first column of the first row of a query over the check's database, as a number (0 when none). */
    long number(String sql, Object... parameters) throws SQLException {
        try (Connection db = connect(); PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** The first two columns of every row of a query over the check's database, as text, in the order given. */
    List<Map.Entry<String, String>> pairs(String sql, Object... parameters) throws SQLException {
        try (Connection db = connect(); PreparedStatement st = db.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                st.setObject(i + 1, parameters[i]);
            }
            List<Map.Entry<String, String>> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(Map.entry(rs.getString(1), rs.getString(2)));
                }
            }
            return out;
        }
    }

    /** Transactions committed or rolled back in the check's database so far (PostgreSQL's statistics). */
    long transactions() throws SQLException {
        return number("select xact_commit + xact_rollback from pg_stat_database where datname = current_database()");
    }

    /** A connection of its own to the check's database. */
    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, "postgres", "");
    }

    private static long count(Connection db, String sql, String type) throws SQLException {
        try (PreparedStatement st = db.prepareStatement(sql)) {
            st.setString(1, type);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Each task's wait from its creation until its first attempt was assigned: p50, p99 and max, in ms. */
    Map<String, Long> dispatchWaits(String type) throws SQLException {
        String waits = "select extract(epoch from (e.occurred_at - t.created_at)) * 1000 as ms from tasks t join "
                + "task_events e on e.task_id = t.id where t.type = ? and e.to_status = 'assigned' and e.attempt = 1";
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("p50", number("select (percentile_cont(0.5) within group (order by ms))::bigint from ("
                + waits + ") w", type));
        out.put("p99", number("select (percentile_cont(0.99) within group (order by ms))::bigint "
                + "from (" + waits + ") w", type));
        out.put("max", number("select max(ms)::bigint from (" + waits + ") w", type));
        return out;
    }
}
