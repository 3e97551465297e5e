package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code policies keys [pause|resume|limit|clear-limit]}: the concurrency keys' policies, and changing one. */
@Command(name = "keys", description = "List the concurrency keys' policies; pause, resume or limit a key.")
final class KeyPoliciesCommand implements Callable<Integer> {

    private static final String PATH = "/api/v1/policies/concurrency-keys";

    @ParentCommand
    PoliciesCommand parent;

    private Clawbot root() {
        return parent.root;
    }

    @Override
    public Integer call() {
        root().print(root().api().get(PATH), policies -> {
            Table table = new Table("KEY", "PAUSED", "LIMIT", "SINCE", "BY", "REASON");
            for (JsonNode policy : policies) {
                table.row(policy.get("key"), policy.get("paused"), policy.get("max_concurrency"),
                        policy.get("paused_at"), policy.get("paused_by"), policy.get("pause_reason"));
            }
            table.print(root().out());
        });
        return ExitCodes.OK;
    }

    @Command(name = "pause", description = "Pause a concurrency key: its tasks stay pending and no bot is offered them.")
    int pause(@Parameters(paramLabel = "KEY") String key,
            @Option(names = "--reason", paramLabel = "TEXT", description = "why, for whoever looks later") String reason) {
        root().print(root().api().post(of(key, "/pause"), reason == null ? null : Map.of("reason", reason)),
                this::draw);
        return ExitCodes.OK;
    }

    @Command(name = "resume", description = "Resume a paused concurrency key: its pending tasks go to bots again.")
    int resume(@Parameters(paramLabel = "KEY") String key) {
        root().print(root().api().post(of(key, "/resume"), null), this::draw);
        return ExitCodes.OK;
    }

    @Command(name = "limit", description = "Set how many of a key's tasks bots may hold at once, whatever its tasks state.")
    int limit(@Parameters(index = "0", paramLabel = "KEY") String key,
            @Parameters(index = "1", paramLabel = "MAX", description = "1 to 100000") int max) {
        root().print(root().api().put(of(key, "/limit"), Map.of("max_concurrency", max)), this::draw);
        return ExitCodes.OK;
    }

    @Command(name = "clear-limit", description = "Give a key's limit back to its tasks.")
    int clearLimit(@Parameters(paramLabel = "KEY") String key) {
        root().print(root().api().delete(of(key, "/limit")), this::draw);
        return ExitCodes.OK;
    }

    private static String of(String key, String action) {
        return PATH + "/" + Api.segment(key) + action;
    }

    private void draw(JsonNode policy) {
        Table.fields(root().out(), policy, "key", "paused", "max_concurrency", "paused_at", "paused_by",
                "pause_reason", "version");
    }
}
