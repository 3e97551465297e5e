package io.clawbot.sdk;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.function.Consumer;

/** Reads a {@code text/event-stream} (the coordinator's task and workflow streams) event by event. */
public final class ServerSentEvents {

    /** One event: its name, its id ({@code null} when it has none) and its data. */
    public record Event(String name, String id, String data) {
    }

    private ServerSentEvents() {
    }

    /** Hands each named event of {@code lines} to {@code events}, in order, until the stream ends. */
    public static void read(BufferedReader lines, Consumer<Event> events) throws IOException {
        String name = null;
        String id = null;
        StringBuilder data = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isEmpty()) {
                if (name != null) {
                    events.accept(new Event(name, id, data.toString()));
                }
                name = null;
                id = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                name = line.substring(6).strip();
            } else if (line.startsWith("id:")) {
                id = line.substring(3).strip();
            } else if (line.startsWith("data:")) {
                data.append(line.substring(5).strip());
            }
        }
    }
}
