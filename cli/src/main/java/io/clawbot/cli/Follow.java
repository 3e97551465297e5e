package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Follows a task's stream ({@code GET /api/v1/tasks/{id}/stream}) until it ends: its transitions and progress
 * drawn on the error stream (a redrawn bar on a terminal, one line per change otherwise), the ended task returned.
 * A stream cut short is resumed from the last transition seen.
 */
final class Follow {

    static final Set<String> ENDED = Set.of("completed", "failed", "timed_out", "cancelled", "skipped");
    private static final int BAR = 24;

    private final Clawbot root;
    private final PrintWriter err;
    private String lastEventId;
    private String status = "";
    private String progress = "";
    private JsonNode ended;
    private boolean drewBar;

    Follow(Clawbot root) {
        this.root = root;
        this.err = root.err();
    }

    /**
     * The task once it has ended; {@link ExitCodes#STILL_RUNNING} when it has not within {@code timeout}
     * ({@code null}: no limit).
     */
    JsonNode task(String id, Duration timeout) {
        CompletableFuture<JsonNode> follow = CompletableFuture.supplyAsync(() -> follow(id), runnable -> {
            Thread thread = new Thread(runnable, "clawbot-follow");
            thread.setDaemon(true);
            thread.start();
        });
        try {
            return timeout == null ? follow.get() : follow.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            endBar();
            throw new CliException(ExitCodes.STILL_RUNNING, "task " + id + " is still " + status + " after "
                    + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            endBar();
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.STILL_RUNNING, "interrupted while task " + id + " is " + status);
        }
    }

    private JsonNode follow(String id) {
        for (int attempt = 0; ended == null; attempt++) {
            try {
                root.api().stream("/api/v1/tasks/" + Api.segment(id) + "/stream", lastEventId, this::read);
            } catch (CliException e) {
                if (e.exitCode() != ExitCodes.UNAVAILABLE || attempt >= 30) {
                    throw e;
                }
                sleep(Math.min(5_000, 200L << Math.min(attempt, 5)));
            }
        }
        endBar();
        return ended;
    }

    private void read(BufferedReader lines) throws IOException {
        String name = null;
        String id = null;
        StringBuilder data = new StringBuilder();
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.isEmpty()) {
                if (name != null) {
                    event(name, id, data.toString());
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

    private void event(String name, String id, String data) throws IOException {
        JsonNode body = Api.JSON.readTree(data);
        switch (name) {
            case "task" -> show(body.path("status").asText(), progressOf(body.path("progress")));
            case "transition" -> {
                lastEventId = id;
                String reason = body.path("reason").isTextual() ? " (" + body.get("reason").asText() + ")" : "";
                if (!root.terminal()) {
                    err.printf("  %s -> %s, attempt %d%s%n", body.path("from_status").asText("-"),
                            body.path("to_status").asText(), body.path("attempt").asInt(), reason);
                    err.flush();
                }
                show(body.path("to_status").asText(), progress);
            }
            case "progress" -> {
                String shown = progressOf(body);
                if (!root.terminal()) {
                    err.println("  progress " + shown);
                    err.flush();
                }
                show(status, shown);
            }
            case "end" -> ended = body;
            default -> {
                // events added later are not this version's concern
            }
        }
    }

    private void show(String newStatus, String newProgress) {
        status = newStatus;
        progress = newProgress;
        if (root.terminal()) {
            double percent = percentIn(progress);
            int filled = percent < 0 ? 0 : (int) Math.round(BAR * Math.min(100, percent) / 100);
            err.print("\r\u001b[2K[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "] " + status
                    + (progress.isEmpty() ? "" : "  " + progress));
            err.flush();
            drewBar = true;
        }
    }

    private void endBar() {
        if (drewBar) {
            err.println();
            err.flush();
            drewBar = false;
        }
    }

    private static String progressOf(JsonNode progress) {
        if (progress == null || !progress.isObject()) {
            return "";
        }
        String percent = progress.path("percent").isNumber()
                ? String.format(Locale.ROOT, "%.0f%%", progress.get("percent").asDouble())
                : "";
        String message = progress.path("message").isTextual() ? progress.get("message").asText() : "";
        return (percent + " " + message).strip();
    }

    private static double percentIn(String progress) {
        int sign = progress.indexOf('%');
        if (sign <= 0) {
            return -1;
        }
        try {
            return Double.parseDouble(progress.substring(0, sign));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.STILL_RUNNING, "interrupted");
        }
    }
}
