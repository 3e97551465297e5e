package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code dead-letters}: the tasks that failed or timed out with no attempt left, and redriving them. */
@Command(name = "dead-letters", description = "List the dead letters: failed or timed out with no retry left.")
final class DeadLettersCommand implements Callable<Integer> {

    @ParentCommand
    Clawbot root;

    @Option(names = "--type", paramLabel = "TYPE")
    String type;

    @Mixin
    PageOptions page;

    @Override
    public Integer call() {
        JsonNode letters = root.api().get(page.path("/api/v1/tasks/dead-letters", "type", type));
        root.print(letters, tasks -> {
            Table table = new Table("ID", "TYPE", "STATUS", "ATTEMPTS", "ERROR CODE", "ERROR", "ENDED");
            for (JsonNode task : tasks) {
                table.row(task.get("id"), task.get("type"), task.get("status"), task.get("attempts_made"),
                        task.get("error_code"), task.get("error"), task.get("completed_at"));
            }
            table.print(root.out());
        });
        return ExitCodes.OK;
    }

    @Command(name = "redrive", description = "Redrive every dead letter (of --type, if given), page by page.")
    int redriveAll(@Option(names = "--type", paramLabel = "TYPE") String only) {
        int redriven = 0;
        List<String> ids = new ArrayList<>();
        // Each redriven task leaves the list, so the first page is read again until it is empty.
        while (true) {
            JsonNode first = root.api().get(Api.path("/api/v1/tasks/dead-letters",
                    Api.query("type", only, "limit", 100, "offset", 0)));
            if (first.size() == 0) {
                break;
            }
            for (JsonNode task : first) {
                String id = task.path("id").asText();
                if (ids.contains(id)) {
                    throw new CliException(ExitCodes.UNAVAILABLE, "task " + id + " stays a dead letter after "
                            + "its redrive");
                }
                ids.add(id);
                root.api().post("/api/v1/tasks/" + id + "/redrive", null);
                redriven++;
            }
        }
        if (root.json()) {
            root.printJson(Api.JSON.valueToTree(Map.of("redriven", ids)));
        } else {
            root.out().println("Redriven: " + redriven + " dead letter" + (redriven == 1 ? "" : "s"));
            root.out().flush();
        }
        return ExitCodes.OK;
    }
}
