package io.clawbot.coordinator.adapters.ws;

import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.MDC;

/**
 * Ids a log line is about, as fields of the logging context for the lines written while it is open: JSON log lines
 * ({@code CLAWBOT_LOG_FORMAT=json}) carry them as {@code mdc} fields ({@code task_id}, {@code bot_id},
 * {@code workflow_id}, {@code trace_id}, ...), so a log pipeline can follow one task, bot or workflow. A
 * {@code null} value is left out. Use with try-with-resources around the lines, on the thread that writes them.
 */
public final class LogFields implements AutoCloseable {

    private final List<String> keys = new ArrayList<>(4);

    private LogFields() {
    }

    /** Fields from alternating names and values. */
    public static LogFields of(Object... namesAndValues) {
        LogFields fields = new LogFields();
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            if (value != null) {
                String key = namesAndValues[i].toString();
                MDC.put(key, value.toString());
                fields.keys.add(key);
            }
        }
        return fields;
    }

    /** The trace id within a W3C {@code traceparent}, or {@code null}. */
    public static String traceId(String traceParent) {
        return traceParent == null || traceParent.length() < 35 ? null : traceParent.substring(3, 35);
    }

    @Override
    public void close() {
        keys.forEach(MDC::remove);
    }
}
