package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code bots ls|get|register|drain|resume|rotate-token|health|release}. */
@Command(name = "bots", description = "List bots, register one, drain or resume one, rotate its token, see how it works.")
final class BotsCommand {

    @ParentCommand
    Clawbot root;

    @Command(name = "ls", description = "List bots, by capability and status.")
    int ls(@Option(names = "--capability", paramLabel = "TYPE") String capability,
            @Option(names = "--status", paramLabel = "STATUS", description = "online, busy or offline") String status,
            @Mixin PageOptions page) {
        JsonNode bots = root.api().get(page.path("/api/v1/bots", "capability", capability, "status", status));
        root.print(bots, rows -> {
            Table table = new Table("ID", "NAME", "STATUS", "SLOTS", "CAPABILITIES", "LAST HEARTBEAT");
            for (JsonNode bot : rows) {
                table.row(bot.get("id"), bot.get("name"), bot.get("status"), bot.get("slots"),
                        bot.get("capabilities"), bot.get("last_heartbeat_at"));
            }
            table.print(root.out());
        });
        return ExitCodes.OK;
    }

    @Command(name = "get", description = "Show a bot.")
    int get(@Parameters(paramLabel = "BOT_ID") String id) {
        root.print(root.api().get("/api/v1/bots/" + TasksCommand.uuid(id, "bot")), this::draw);
        return ExitCodes.OK;
    }

    @Command(name = "register", description = { "Register a bot; prints its token, which is shown only once.",
            "Start a bot with it: BOT_TOKEN=<token> scripts/example-bot.sh" })
    int register(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--capability", paramLabel = "TYPE", required = true, description = "A task type it runs (repeatable).") List<String> capabilities) {
        ObjectNode body = Api.JSON.createObjectNode().put("name", name);
        capabilities.forEach(body.putArray("capabilities")::add);
        JsonNode bot = root.api().post("/api/v1/bots", body);
        root.print(bot, answer -> {
            Table.fields(root.out(), answer, "id", "name", "capabilities", "status");
            root.out().println("token: " + answer.path("token").asText());
            root.out().println("(keep the token: it is shown only now; `clawbot bots rotate-token` issues another)");
        });
        return ExitCodes.OK;
    }

    @Command(name = "drain", description = "Give a bot no new work (it finishes what it holds): marks it busy.")
    int drain(@Parameters(paramLabel = "BOT_ID") String id) {
        root.print(root.api().post("/api/v1/bots/" + TasksCommand.uuid(id, "bot") + "/busy", null), this::draw);
        return ExitCodes.OK;
    }

    @Command(name = "resume", description = "Give a drained bot work again: marks it available.")
    int resume(@Parameters(paramLabel = "BOT_ID") String id) {
        root.print(root.api().post("/api/v1/bots/" + TasksCommand.uuid(id, "bot") + "/available", null),
                this::draw);
        return ExitCodes.OK;
    }

    @Command(name = "rotate-token", description = "Issue a new token for a bot; the old one stops working at once.")
    int rotateToken(@Parameters(paramLabel = "BOT_ID") String id) {
        JsonNode token = root.api().post("/api/v1/bots/" + TasksCommand.uuid(id, "bot") + "/token", null);
        root.print(token, answer -> root.out().println(answer.path("token").asText()));
        return ExitCodes.OK;
    }

    @Command(name = "health", description = "How well a bot works each task type: its score, and its quarantines.")
    int health(@Parameters(paramLabel = "BOT_ID") String id) {
        root.print(root.api().get("/api/v1/bots/" + TasksCommand.uuid(id, "bot") + "/health"), rows -> {
            Table table = new Table("TYPE", "SCORE", "OUTCOMES", "QUARANTINED", "UNTIL", "QUARANTINES", "REASON");
            for (JsonNode h : rows) {
                table.row(h.get("type"), String.format(java.util.Locale.ROOT, "%.2f", h.path("score").asDouble()),
                        h.get("samples"), h.get("quarantined"),
                        h.get("quarantined_until"), h.get("quarantines"), h.get("reason"));
            }
            table.print(root.out());
        });
        return ExitCodes.OK;
    }

    @Command(name = "release", description = "End a bot's quarantine for a task type now: it is offered the type again.")
    int release(@Parameters(index = "0", paramLabel = "BOT_ID") String id,
            @Parameters(index = "1", paramLabel = "TYPE") String type) {
        root.print(root.api().post("/api/v1/bots/" + TasksCommand.uuid(id, "bot") + "/health/" + Api.segment(type)
                + "/release", null),
                answer -> Table.fields(root.out(), answer, "type", "score", "samples",
                        "quarantined", "quarantines", "reason"));
        return ExitCodes.OK;
    }

    private void draw(JsonNode bot) {
        Table.fields(root.out(), bot, "id", "name", "status", "slots", "capabilities", "metadata",
                "last_heartbeat_at", "created_at", "updated_at");
    }
}
