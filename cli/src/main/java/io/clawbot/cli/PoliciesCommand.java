package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code policies [pause|resume|keys]}: the task types' dispatch policies, and pausing or resuming a type; the
 * concurrency keys' policies under {@code keys}.
 */
@Command(name = "policies", description = "List the task types' dispatch policies; pause or resume a type; the keys' policies under 'keys'.", subcommands = KeyPoliciesCommand.class)
final class PoliciesCommand implements Callable<Integer> {

    @ParentCommand
    Clawbot root;

    @Override
    public Integer call() {
        root.print(root.api().get("/api/v1/policies"), policies -> {
            Table table = new Table("TYPE", "PAUSED", "SINCE", "BY", "REASON");
            for (JsonNode policy : policies) {
                table.row(policy.get("type"), policy.get("paused"), policy.get("paused_at"), policy.get("paused_by"),
                        policy.get("pause_reason"));
            }
            table.print(root.out());
        });
        return ExitCodes.OK;
    }

    @Command(name = "pause", description = "Pause a task type: its tasks stay pending and no bot is offered them.")
    int pause(@Parameters(paramLabel = "TYPE") String type,
            @Option(names = "--reason", paramLabel = "TEXT", description = "why, for whoever looks later") String reason) {
        root.print(root.api().post("/api/v1/policies/task-types/" + Api.segment(type) + "/pause",
                reason == null ? null : Map.of("reason", reason)), this::draw);
        return ExitCodes.OK;
    }

    @Command(name = "resume", description = "Resume a paused task type: its pending tasks go to bots again.")
    int resume(@Parameters(paramLabel = "TYPE") String type) {
        root.print(root.api().post("/api/v1/policies/task-types/" + Api.segment(type) + "/resume", null),
                this::draw);
        return ExitCodes.OK;
    }

    private void draw(JsonNode policy) {
        Table.fields(root.out(), policy, "type", "paused", "paused_at", "paused_by", "pause_reason", "version");
    }
}
