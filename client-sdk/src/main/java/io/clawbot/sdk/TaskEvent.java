package io.clawbot.sdk;

import java.util.Map;

/**
 * One event of a task's stream: {@code task} (the task when the stream opens), {@code transition} (an entry of
 * its history), {@code progress} (what its bot reported) or {@code end} (the task once it has ended).
 *
 * @param id the history entry's place, for {@code transition} events; {@code null} otherwise
 * @param data the event's JSON, as maps and lists
 */
public record TaskEvent(String name, String id, Map<String, Object> data) {
}
