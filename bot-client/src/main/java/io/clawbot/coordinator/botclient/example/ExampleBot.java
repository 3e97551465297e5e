package io.clawbot.coordinator.botclient.example;

import io.clawbot.coordinator.botclient.AssignedTask;
import io.clawbot.coordinator.botclient.BotClient;
import io.clawbot.coordinator.botclient.BotConnectException;
import io.clawbot.coordinator.botclient.BotListener;
import io.clawbot.coordinator.botclient.ConnectedInfo;
import io.clawbot.coordinator.botclient.TaskFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A bot that echoes its tasks back: the smallest useful worker, for trying the coordinator out and as a template.
 *
 * <p>
 * Configuration, each from a {@code KEY=value} argument or else the environment variable of that name:
 * <ul>
 * <li>{@code COORDINATOR_URL}: the control endpoint, default {@code ws://localhost:8080/api/v1/ws/control}</li>
 * <li>{@code BOT_TOKEN}: the token {@code POST /api/v1/bots} returned; required</li>
 * <li>{@code BOT_SLOTS}: how many tasks to run at once, default 1</li>
 * </ul>
 * A task's result is {@code {"echo": <payload>, "handled_by": <bot id>, "took_ms": <n>}}. The payload may ask for
 * {@code "sleep_ms": n} to take that long, and {@code "fail": true} to fail with "asked to fail" and the error code
 * {@code asked_to_fail} (or the payload's {@code "error_code"}).
 *
 * <p>
 * Run it with {@code scripts/example-bot.sh}. Ctrl-C closes the session cleanly. Exit status 0 after a normal stop,
 * 2 for bad configuration, 3 if the coordinator refused the token.
 */
public final class ExampleBot {

    static final String DEFAULT_URL = "ws://localhost:8080/api/v1/ws/control";
    /** The error code of a task that asked to fail without naming one. */
    static final String FAIL_CODE = "asked_to_fail";

    private ExampleBot() {
    }

    public static void main(String[] args) {
        // One line per log record, like this bot's own output, unless the user configured logging otherwise.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %5$s%6$s%n");
        }
        Map<String, String> config = config(args, System.getenv());
        String url = config.getOrDefault("COORDINATOR_URL", DEFAULT_URL);
        String token = config.get("BOT_TOKEN");
        if (token == null || token.isBlank()) {
            System.err.println("BOT_TOKEN is required (the token POST /api/v1/bots returned)");
            System.exit(2);
        }
        int slots;
        try {
            slots = Integer.parseInt(config.getOrDefault("BOT_SLOTS", "1").trim());
        } catch (NumberFormatException e) {
            System.err.println("BOT_SLOTS must be a whole number, was " + config.get("BOT_SLOTS"));
            System.exit(2);
            return;
        }

        AtomicReference<BotClient> self = new AtomicReference<>();
        BotClient client;
        try {
            client = BotClient.builder()
                    // Several replicas' addresses, comma-separated, are tried in turn when a connection is lost.
                    .uris(java.util.Arrays.stream(url.split(",")).map(String::strip).filter(u -> !u.isEmpty())
                            .map(java.net.URI::create).toList())
                    .token(token)
                    .slots(slots)
                    .handler(task -> echo(task, self.get().botId()))
                    .listener(new LoggingListener())
                    .build();
        } catch (IllegalArgumentException e) {
            System.err.println("bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        self.set(client);
        Runtime.getRuntime().addShutdownHook(new Thread(client::close, "example-bot-shutdown"));

        log("connecting to " + url + " with " + slots + " slot(s)");
        client.start();
        try {
            client.terminated().join();
            log("stopped");
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            log("stopped: " + cause.getMessage());
            System.exit(cause instanceof BotConnectException refused && refused.httpStatus() > 0 ? 3 : 1);
        }
    }

    /**
     * The echo handler: sleeps {@code sleep_ms}, fails if {@code fail} is true (with {@code error_code}, default
     * {@code asked_to_fail}), else returns the payload with who handled it and how long it took.
     */
    static Map<String, Object> echo(AssignedTask task, String botId) throws Exception {
        long startedAt = System.nanoTime();
        Map<String, Object> payload = task.payload();
        long sleepMs = payload.get("sleep_ms") instanceof Number number ? number.longValue() : 0;
        if (sleepMs > 0) {
            // Interruptible, so a task_cancel stops it at once.
            Thread.sleep(sleepMs);
        }
        if (Boolean.TRUE.equals(payload.get("fail"))) {
            // A code lets a retry policy's non_retryable_errors end the task at once, e.g. to try on_failure.
            throw new TaskFailure(payload.get("error_code") instanceof String code ? code : FAIL_CODE,
                    "asked to fail");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("echo", payload);
        result.put("handled_by", botId);
        result.put("took_ms", Duration.ofNanos(System.nanoTime() - startedAt).toMillis());
        return result;
    }

    /** {@code KEY=value} arguments over the environment. */
    static Map<String, String> config(String[] args, Map<String, String> env) {
        Map<String, String> config = new HashMap<>();
        for (String key : new String[]{ "COORDINATOR_URL", "BOT_TOKEN", "BOT_SLOTS" }) {
            String value = env.get(key);
            if (value != null && !value.isBlank()) {
                config.put(key, value);
            }
        }
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                config.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        return config;
    }

    private static void log(String line) {
        System.out.println(Instant.now() + " " + line);
    }

    /** One line per session change and per task. */
    private static final class LoggingListener implements BotListener {

        @Override
        public void onConnected(ConnectedInfo info) {
            log("connected as bot " + info.botId() + " (protocol " + info.protocolVersion() + ", heartbeat every "
                    + info.heartbeatIntervalSeconds() + " s)");
        }

        @Override
        public void onCompleted(String taskId, int attempt, boolean success) {
            log("task " + taskId + " attempt " + attempt + (success ? " completed" : " failed"));
        }

        @Override
        public void onCancelled(String taskId, int attempt, String reason) {
            log("task " + taskId + " attempt " + attempt + " cancelled" + (reason == null ? "" : ": " + reason));
        }

        @Override
        public void onServerError(String code, String message, String taskId) {
            log("coordinator error " + code + ": " + message + (taskId == null ? "" : " (task " + taskId + ")"));
        }

        @Override
        public void onDisconnected(int statusCode, String reason) {
            log("disconnected: " + statusCode + (reason == null || reason.isBlank() ? "" : " " + reason));
        }

        @Override
        public void onConnectFailed(Throwable error, boolean willRetry) {
            log("cannot connect: " + error + (willRetry ? "; retrying" : ""));
        }
    }
}
