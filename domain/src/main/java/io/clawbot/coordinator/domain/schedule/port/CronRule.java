package io.clawbot.coordinator.domain.schedule.port;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A parsed cron expression in its time zone: when it fires. Made by a {@link CronCalendar}. */
public interface CronRule {

    /** The first occurrence strictly after {@code after}, or {@code null} when there is none. */
    Instant nextAfter(Instant after);

    /** Up to {@code count} occurrences strictly after {@code after}, in order; fewer when the expression runs out. */
    default List<Instant> nextAfter(Instant after, int count) {
        List<Instant> out = new ArrayList<>(count);
        Instant cursor = after;
        while (out.size() < count) {
            cursor = nextAfter(cursor);
            if (cursor == null) {
                break;
            }
            out.add(cursor);
        }
        return out;
    }
}
