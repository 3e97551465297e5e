package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keys ls|create|revoke|rotate}: API keys (admin role). */
@Command(name = "keys", description = "List, issue, revoke and rotate API keys (admin).")
final class KeysCommand {

    @ParentCommand
    Clawbot root;

    @Command(name = "ls", description = "List keys, oldest first, revoked ones included.")
    int ls(@Mixin PageOptions page) {
        JsonNode keys = root.api().get(page.path("/api/v1/keys"));
        root.print(keys, rows -> {
            Table table = new Table("ID", "NAME", "ROLE", "PREFIX", "TASK TYPES", "LAST USED", "EXPIRES", "REVOKED");
            for (JsonNode key : rows) {
                table.row(key.get("id"), key.get("name"), key.get("role"), key.get("prefix"), key.get("task_types"),
                        key.get("last_used_at"), key.get("expires_at"), key.get("revoked_at"));
            }
            table.print(root.out());
        });
        return ExitCodes.OK;
    }

    @Command(name = "create", description = "Issue a key; its secret is printed only now.")
    int create(@Parameters(paramLabel = "NAME") String name,
            @Option(names = "--role", required = true, paramLabel = "ROLE", description = "admin, operator, submitter or reader") String role,
            @Option(names = "--task-type", paramLabel = "TYPE", description = "Confine the key to these task types (repeatable).") List<String> types,
            @Option(names = "--expires-at", paramLabel = "TIME", description = "An ISO-8601 instant.") String expiresAt) {
        ObjectNode body = Api.JSON.createObjectNode().put("name", name).put("role", role);
        if (types != null) {
            types.forEach(body.putArray("task_types")::add);
        }
        if (expiresAt != null) {
            body.put("expires_at", expiresAt);
        }
        JsonNode key = root.api().post("/api/v1/keys", body);
        root.print(key, answer -> {
            Table.fields(root.out(), answer, "id", "name", "role", "task_types", "expires_at");
            root.out().println("key: " + answer.path("key").asText());
            root.out().println("(keep it: the secret is shown only now)");
        });
        return ExitCodes.OK;
    }

    @Command(name = "revoke", description = "Revoke a key: it stops working at once.")
    int revoke(@Parameters(paramLabel = "KEY_ID") String id) {
        root.api().delete("/api/v1/keys/" + TasksCommand.uuid(id, "key"));
        if (!root.json()) {
            root.out().println("Revoked " + id);
            root.out().flush();
        }
        return ExitCodes.OK;
    }

    @Command(name = "rotate", description = "Give a key a new secret; the old one stops working at once.")
    int rotate(@Parameters(paramLabel = "KEY_ID") String id) {
        JsonNode key = root.api().post("/api/v1/keys/" + TasksCommand.uuid(id, "key") + "/rotate", null);
        root.print(key, answer -> root.out().println("key: " + answer.path("key").asText()));
        return ExitCodes.OK;
    }
}
