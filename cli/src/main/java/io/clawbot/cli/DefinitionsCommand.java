package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code definitions}: the stored workflow definitions, and one by name. */
@Command(name = "definitions", description = "List the stored workflow definitions (run one with `clawbot workflows run NAME`).")
final class DefinitionsCommand implements Callable<Integer> {

    @ParentCommand
    Clawbot root;

    @Mixin
    PageOptions page;

    @Override
    public Integer call() {
        JsonNode stored = root.api().get(page.path("/api/v1/workflow-definitions"));
        root.print(stored, definitions -> {
            Table table = new Table("NAME", "VERSION", "WORKFLOW", "DESCRIPTION", "UPDATED");
            for (JsonNode definition : definitions) {
                table.row(definition.get("name"), definition.get("latest_version"), definition.get("workflow_name"),
                        definition.get("description"), definition.get("updated_at"));
            }
            table.print(root.out());
        });
        return ExitCodes.OK;
    }

    @Command(name = "get", description = "A definition's latest version (or --version's) as JSON.")
    int get(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--version", paramLabel = "N") Integer version) {
        String path = "/api/v1/workflow-definitions/" + Api.segment(name)
                + (version == null ? "" : "/versions/" + version);
        root.printJson(root.api().get(path));
        return ExitCodes.OK;
    }
}
