package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code workflows run|get|ls|cancel}. */
@Command(name = "workflows", description = "Run workflows from YAML or stored definitions, and follow them.")
final class WorkflowsCommand {

    private static final Pattern TOP_LEVEL_INPUT = Pattern.compile("(?m)^input\\s*:");
    private static final Pattern TOP_LEVEL_WORKFLOW = Pattern.compile("(?m)^workflow\\s*:");
    private static final int MAX_WAIT_PER_CALL = 60;
    private static final Set<String> ENDED = Set.of("completed", "failed", "cancelled");

    @ParentCommand
    Clawbot root;

    @Command(name = "run", description = { "Start a workflow: FILE.yaml (seed 001's format or steps), or the name "
            + "of a stored definition (see `clawbot definitions`).",
            "Prints the workflow's graph; with --wait, once it has ended (exit code 1 unless it completed)." })
    int run(@Parameters(paramLabel = "FILE.yaml|DEFINITION") String source,
            @Option(names = "--input", paramLabel = "JSON|FILE|-", description = "The workflow's input object.") String input,
            @Option(names = "--set", paramLabel = "NAME=VALUE", description = "Put a field into the input (repeatable).") List<String> sets,
            @Option(names = "--idempotency-key", paramLabel = "KEY") String idempotencyKey,
            @Option(names = "--wait", description = "Wait until the workflow ends.") boolean await,
            @Option(names = "--wait-timeout", paramLabel = "SECONDS") Long waitTimeout) {
        boolean hasInput = input != null || (sets != null && !sets.isEmpty());
        ObjectNode inputObject = hasInput ? Payloads.object(input, sets, root.in(), "--input") : null;
        Path file = Path.of(source);
        JsonNode workflow;
        if (Files.isRegularFile(file)) {
            String yaml;
            try {
                yaml = Files.readString(file);
            } catch (IOException e) {
                throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
            }
            if (inputObject != null) {
                if (TOP_LEVEL_INPUT.matcher(yaml).find()) {
                    throw new CliException(ExitCodes.USAGE, file + " has its own top-level input:; give the input "
                            + "there or with --input, not both");
                }
                yaml = withInput(yaml, inputObject);
            }
            String path = "/api/v1/workflows/from-yaml?auto_start=true";
            workflow = idempotencyKey == null
                    ? root.api().postText(path, "application/yaml", yaml)
                    : root.api().postTextWithKey(path, "application/yaml", yaml, idempotencyKey);
        } else if (source.endsWith(".yaml") || source.endsWith(".yml") || source.contains("/")) {
            throw new CliException(ExitCodes.USAGE, "no such file: " + source);
        } else {
            ObjectNode body = Api.JSON.createObjectNode();
            if (inputObject != null) {
                body.set("input", inputObject);
            }
            String path = "/api/v1/workflow-definitions/" + Api.segment(source) + "/runs";
            workflow = idempotencyKey == null
                    ? root.api().post(path, body)
                    : root.api().postWithKey(path, body, idempotencyKey);
        }
        String id = workflow.path("id").asText();
        if (!await) {
            show(id);
            return ExitCodes.OK;
        }
        if (!root.json()) {
            root.err().println("Workflow " + id + " started; waiting for it to end");
            root.err().flush();
        }
        return waitFor(id, waitTimeout);
    }

    @Command(name = "get", description = "A workflow's steps as a tree with their states; --wait until it ends.")
    int get(@Parameters(paramLabel = "WORKFLOW_ID") String id,
            @Option(names = "--wait", description = "Wait until the workflow ends.") boolean await,
            @Option(names = "--wait-timeout", paramLabel = "SECONDS") Long waitTimeout) {
        String workflow = TasksCommand.uuid(id, "workflow");
        if (await) {
            return waitFor(workflow, waitTimeout);
        }
        show(workflow);
        return ExitCodes.OK;
    }

    @Command(name = "ls", description = "List workflows, newest first.")
    int ls(@Option(names = "--status", paramLabel = "STATUS", description = "pending, in_progress, completed, failed, cancelled") String status,
            @Mixin PageOptions page) {
        JsonNode workflows = root.api().get(page.path("/api/v1/workflows", "status", status));
        root.print(workflows, rows -> {
            Table table = new Table("ID", "NAME", "STATUS", "STEPS", "CREATED");
            for (JsonNode workflow : rows) {
                table.row(workflow.get("id"), workflow.get("name"), workflow.get("status"),
                        workflow.path("task_ids").size(), workflow.get("created_at"));
            }
            table.print(root.out());
        });
        return ExitCodes.OK;
    }

    @Command(name = "cancel", description = "Cancel a workflow: its open steps are cancelled.")
    int cancel(@Parameters(paramLabel = "WORKFLOW_ID") String id,
            @Option(names = "--reason", paramLabel = "TEXT") String reason) {
        ObjectNode body = Api.JSON.createObjectNode();
        if (reason != null) {
            body.put("reason", reason);
        }
        String workflow = TasksCommand.uuid(id, "workflow");
        root.api().post("/api/v1/workflows/" + workflow + "/cancel", body);
        show(workflow);
        return ExitCodes.OK;
    }

    /**
     * The document with {@code input} next to its {@code workflow:} (the only place the API reads an input from
     * YAML): a document of bare {@code steps:} is put under a {@code workflow:} key first, its lines indented. JSON
     * is YAML, so the input goes in as a flow mapping.
     */
    static String withInput(String yaml, ObjectNode input) {
        String document = yaml.endsWith("\n") ? yaml : yaml + "\n";
        if (!TOP_LEVEL_WORKFLOW.matcher(document).find()) {
            StringBuilder wrapped = new StringBuilder("workflow:\n");
            for (String line : document.split("\n", -1)) {
                if (line.strip().equals("---")) {
                    continue;
                }
                wrapped.append(line.isBlank() ? "" : "  " + line).append('\n');
            }
            document = wrapped.toString().stripTrailing() + "\n";
        }
        return document + "input: " + input + "\n";
    }

    private void show(String id) {
        JsonNode withTasks = root.api().get("/api/v1/workflows/" + id + "/tasks");
        root.print(withTasks, answer -> WorkflowGraph.draw(root.out(), answer, root.terminal()));
    }

    private int waitFor(String id, Long waitTimeout) {
        long deadline = waitTimeout == null ? Long.MAX_VALUE : System.nanoTime() + waitTimeout * 1_000_000_000L;
        String status;
        while (true) {
            long left = deadline == Long.MAX_VALUE
                    ? MAX_WAIT_PER_CALL
                    : Math.max(0, (deadline - System.nanoTime()) / 1_000_000_000L);
            JsonNode workflow = root.api().get("/api/v1/workflows/" + id + "?wait="
                    + Math.min(MAX_WAIT_PER_CALL, left));
            status = workflow.path("status").asText();
            if (ENDED.contains(status)) {
                break;
            }
            if (System.nanoTime() >= deadline) {
                show(id);
                throw new CliException(ExitCodes.STILL_RUNNING, "workflow " + id + " is still " + status
                        + " after " + waitTimeout + " s");
            }
        }
        show(id);
        return "completed".equals(status) ? ExitCodes.OK : ExitCodes.FAILED;
    }
}
