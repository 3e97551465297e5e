package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code submit TYPE}: creates a task and, with {@code --wait}, follows it to its end. */
@Command(name = "submit", description = { "Create a task of TYPE; with --wait, follow it until it ends.",
        "Prints the task (its id first); with --wait the exit code says how it ended (0 completed, 1 not)." })
final class SubmitCommand implements Callable<Integer> {

    @ParentCommand
    Clawbot root;

    @Parameters(paramLabel = "TYPE", description = "The task's type: a capability some bot declares.")
    String type;

    @Option(names = "--payload", paramLabel = "JSON|FILE|-", description = "The payload: a JSON object, a file holding one, or - for standard input.")
    String payload;

    @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Put a field into the payload (repeatable); a.b=1 nests, values that parse as JSON are JSON.")
    List<String> sets;

    @Option(names = "--priority", paramLabel = "N", description = "Higher runs first (default: the type's, or 0).")
    Integer priority;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long a bot may run it.")
    Integer timeoutSeconds;

    @Option(names = "--max-attempts", paramLabel = "N", description = "Attempts before it becomes a dead letter (default: the type's policy, or 3).")
    Integer maxAttempts;

    @Option(names = "--delay", paramLabel = "SECONDS", description = "Become ready only this many seconds from now.")
    Double delaySeconds;

    @Option(names = "--concurrency-key", paramLabel = "KEY", description = "At most --max-concurrency tasks of this key held by bots at once; ${payload.<field>} takes a field of the payload.")
    String concurrencyKey;

    @Option(names = "--max-concurrency", paramLabel = "N", description = "With --concurrency-key: how many of its tasks bots may hold at once.")
    Integer maxConcurrency;

    @Option(names = "--fairness-key", paramLabel = "KEY", description = "Among ready tasks of the type, keys are served in proportion to their weights; ${payload.<field>} takes a field of the payload.")
    String fairnessKey;

    @Option(names = "--fairness-weight", paramLabel = "N", description = "With --fairness-key: its weight (default 1).")
    Integer fairnessWeight;

    @Option(names = "--rate-limit-key", paramLabel = "KEY", description = "At most --rate-per-second tasks of this key are dispatched a second, across every replica; ${payload.<field>} takes a field of the payload.")
    String rateLimitKey;

    @Option(names = "--rate-per-second", paramLabel = "R", description = "With --rate-limit-key: tasks a second (0.001 to 100000; 0.5 is one every two seconds).")
    Double ratePerSecond;

    @Option(names = "--rate-burst", paramLabel = "N", description = "With --rate-limit-key: how many may go at once after a quiet spell (default: a second's worth).")
    Integer rateBurst;

    @Option(names = "--idempotency-key", paramLabel = "KEY", description = "Submitting again with the same key gives back the first task instead of a new one.")
    String idempotencyKey;

    @Option(names = "--wait", description = "Follow the task until it ends, drawing its progress.")
    boolean await;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", description = "With --wait: give up after this long (exit code 6).")
    Long waitTimeout;

    @Override
    public Integer call() {
        ObjectNode request = Api.JSON.createObjectNode();
        request.put("type", type);
        request.set("payload", Payloads.object(payload, sets, root.in(), "--payload"));
        if (priority != null) {
            request.put("priority", priority);
        }
        if (timeoutSeconds != null) {
            request.put("timeout_seconds", timeoutSeconds);
        }
        if (maxAttempts != null) {
            request.putObject("retry").put("max_attempts", maxAttempts);
        }
        if (delaySeconds != null) {
            request.put("delay_seconds", delaySeconds);
        }
        if (concurrencyKey != null) {
            request.put("concurrency_key", concurrencyKey);
        }
        if (maxConcurrency != null) {
            request.put("max_concurrency", maxConcurrency);
        }
        if (fairnessKey != null) {
            request.put("fairness_key", fairnessKey);
        }
        if (fairnessWeight != null) {
            request.put("fairness_weight", fairnessWeight);
        }
        if (rateLimitKey != null) {
            request.put("rate_limit_key", rateLimitKey);
        }
        if (ratePerSecond != null) {
            request.put("rate_per_second", ratePerSecond);
        }
        if (rateBurst != null) {
            request.put("rate_burst", rateBurst);
        }
        JsonNode created = idempotencyKey == null
                ? root.api().post("/api/v1/tasks", request)
                : root.api().postWithKey("/api/v1/tasks", request, idempotencyKey);
        if (!await) {
            root.print(created, task -> TasksCommand.drawTask(root.out(), task));
            return ExitCodes.OK;
        }
        if (!root.json()) {
            root.err().println("Task " + created.path("id").asText() + " submitted; following it");
            root.err().flush();
        }
        return TasksCommand.waitFor(root, created.path("id").asText(), waitTimeout);
    }
}
