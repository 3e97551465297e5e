package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code tasks ls|get|events|cancel|redrive|explain}. */
@Command(name = "tasks", description = "List, read, follow, cancel and redrive tasks.")
final class TasksCommand {

    @ParentCommand
    Clawbot root;

    @Command(name = "ls", description = "List tasks, oldest first, filtered by status, type, bot or workflow.")
    int ls(@Option(names = "--status", paramLabel = "STATUS", description = "pending, waiting, assigned, in_progress, completed, failed, timed_out, cancelled, skipped") String status,
            @Option(names = "--type", paramLabel = "TYPE") String type,
            @Option(names = "--bot", paramLabel = "BOT_ID") String bot,
            @Option(names = "--workflow", paramLabel = "WORKFLOW_ID") String workflow, @Mixin PageOptions page) {
        JsonNode tasks = root.api().get(page.path("/api/v1/tasks", "status", status, "type", type, "bot_id", bot,
                "workflow_id", workflow));
        root.print(tasks, rows -> list(root.out(), rows));
        return ExitCodes.OK;
    }

    @Command(name = "get", description = "Show a task; with --wait, follow it until it ends.")
    int get(@Parameters(paramLabel = "TASK_ID") String id,
            @Option(names = "--wait", description = "Follow the task until it ends (exit code 1 unless it completed).") boolean await,
            @Option(names = "--wait-timeout", paramLabel = "SECONDS") Long waitTimeout) {
        String task = uuid(id, "task");
        if (await) {
            return waitFor(root, task, waitTimeout);
        }
        root.print(root.api().get("/api/v1/tasks/" + task), answer -> drawTask(root.out(), answer));
        return ExitCodes.OK;
    }

    @Command(name = "events", description = "A task's history: every transition, oldest first, with its cause.")
    int events(@Parameters(paramLabel = "TASK_ID") String id) {
        JsonNode history = root.api().get("/api/v1/tasks/" + uuid(id, "task") + "/events");
        root.print(history, entries -> {
            Table table = new Table("#", "AT", "FROM", "TO", "ATTEMPT", "ACTOR", "CAUSE", "REASON");
            int n = 1;
            for (JsonNode entry : entries) {
                table.row(n++, entry.get("occurred_at"), entry.get("from_status"), entry.get("to_status"),
                        entry.get("attempt"), entry.get("actor"), entry.get("cause"), entry.get("reason"));
            }
            table.print(root.out());
        });
        return ExitCodes.OK;
    }

    @Command(name = "cancel", description = "Cancel an open task; a bot holding it is told to stop.")
    int cancel(@Parameters(paramLabel = "TASK_ID") String id,
            @Option(names = "--reason", paramLabel = "TEXT") String reason) {
        ObjectNode body = Api.JSON.createObjectNode();
        if (reason != null) {
            body.put("reason", reason);
        }
        JsonNode task = root.api().post("/api/v1/tasks/" + uuid(id, "task") + "/cancel", body);
        root.print(task, answer -> drawTask(root.out(), answer));
        return ExitCodes.OK;
    }

    @Command(name = "redrive", description = "Put failed or timed-out tasks back in the queue with fresh attempts.")
    int redrive(@Parameters(paramLabel = "TASK_ID", arity = "1..*") List<String> ids) {
        for (String id : ids) {
            JsonNode task = root.api().post("/api/v1/tasks/" + uuid(id, "task") + "/redrive", null);
            root.print(task, answer -> root.out().println("redriven " + answer.path("id").asText() + " ("
                    + answer.path("status").asText() + ")"));
        }
        return ExitCodes.OK;
    }

    @Command(name = "explain", description = "Why a task is not running: its reasons, the capacity for its type.")
    int explain(@Parameters(paramLabel = "TASK_ID") String id) {
        JsonNode why = root.api().get("/api/v1/tasks/" + uuid(id, "task") + "/explain");
        root.print(why, answer -> {
            PrintWriter out = root.out();
            out.println("Task " + answer.path("task_id").asText() + " is " + answer.path("status").asText());
            for (JsonNode reason : answer.path("reasons")) {
                out.println("  - " + reason.path("message").asText() + " [" + reason.path("code").asText() + "]");
            }
            JsonNode capacity = answer.path("capacity");
            if (capacity.isObject()) {
                out.printf("Bots for its type: %d registered, %d connected; slots %d (used %d, free %d)%n",
                        capacity.path("registered").asInt(), capacity.path("connected").asInt(),
                        capacity.path("slots").asInt(), capacity.path("slots_used").asInt(),
                        capacity.path("slots_free").asInt());
            }
            if (answer.path("ahead").isNumber()) {
                out.println("Tasks ahead of it: " + answer.path("ahead").asLong());
            }
            if (answer.path("waiting_for").size() > 0) {
                out.println("Waiting for: " + Table.cell(answer.path("waiting_for")));
            }
            out.flush();
        });
        return ExitCodes.OK;
    }

    /** Follows the task to its end, prints it, and answers 0 if it completed, 1 otherwise. */
    static int waitFor(Clawbot root, String id, Long waitTimeoutSeconds) {
        Duration timeout = waitTimeoutSeconds == null ? null : Duration.ofSeconds(waitTimeoutSeconds);
        JsonNode ended = new Follow(root).task(id, timeout);
        root.print(ended, task -> drawTask(root.out(), task));
        return "completed".equals(ended.path("status").asText()) ? ExitCodes.OK : ExitCodes.FAILED;
    }

    static void list(PrintWriter out, JsonNode tasks) {
        Table table = new Table("ID", "TYPE", "STATUS", "PRIORITY", "ATTEMPT", "BOT", "CREATED");
        for (JsonNode task : tasks) {
            table.row(task.get("id"), task.get("type"), task.get("status"), task.get("priority"),
                    task.get("attempt"), task.get("bot_id"), task.get("created_at"));
        }
        table.print(out);
    }

    static void drawTask(PrintWriter out, JsonNode task) {
        Table.fields(out, task, "id", "type", "status", "priority", "attempt", "attempts_made", "bot_id",
                "workflow_id", "created_at", "run_at", "assigned_at", "started_at", "completed_at", "deadline_at",
                "timeout_seconds", "payload", "progress", "result", "error", "error_code");
    }

    /** The id as the API takes it, or a usage error naming what was expected. */
    static String uuid(String id, String what) {
        try {
            return UUID.fromString(id.strip()).toString();
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCodes.USAGE, "not a " + what + " id (a UUID): " + id);
        }
    }
}
