package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code status}: the work and the fleet now, from {@code GET /api/v1/status}. */
@Command(name = "status", description = "The backlog, running work, dead letters, bots and replicas now.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    Clawbot root;

    @Override
    public Integer call() {
        root.print(root.api().get("/api/v1/status"), status -> draw(root.out(), status));
        return ExitCodes.OK;
    }

    /** Draws the status answer as sections of aligned figures. */
    static void draw(PrintWriter out, JsonNode status) {
        JsonNode tasks = status.path("tasks");
        JsonNode bots = status.path("bots");
        out.println("Tasks");
        out.printf("  pending       %d (ready %d, delayed %d; oldest ready %s)%n", tasks.path("pending").asLong(),
                tasks.path("ready").asLong(), tasks.path("delayed").asLong(),
                seconds(tasks.path("oldest_ready_age_seconds").asDouble()));
        out.printf("  waiting       %d (workflow steps whose turn has not come)%n", tasks.path("waiting").asLong());
        out.printf("  assigned      %d%n", tasks.path("assigned").asLong());
        out.printf("  in progress   %d%n", tasks.path("in_progress").asLong());
        out.printf("  dead letters  %d%n", tasks.path("dead_letters").asLong());
        out.printf("  completed     %d in the last minute%n", tasks.path("completed_last_minute").asLong());
        out.println("Bots");
        out.printf("  online %d, busy %d, offline %d; slots %d (used %d, free %d)%n", bots.path("online").asLong(),
                bots.path("busy").asLong(), bots.path("offline").asLong(), bots.path("slots").asLong(),
                bots.path("slots_used").asLong(), bots.path("slots_free").asLong());
        JsonNode dispatch = status.path("dispatch");
        out.println("Dispatch (ready to given to a bot, every replica's last minute)");
        if (dispatch.path("count").asLong() == 0) {
            out.println("  none in the last minute");
        } else {
            out.printf(Locale.ROOT, "  p50 %.2f ms, p99 %.2f ms over %d tasks%n", dispatch.path("p50_ms").asDouble(),
                    dispatch.path("p99_ms").asDouble(), dispatch.path("count").asLong());
        }
        JsonNode groups = tasks.path("pending_by_type");
        if (groups.size() > 0) {
            out.println("Backlog by type");
            Table table = new Table("  TYPE", "PRIORITY", "PENDING", "READY", "DELAYED", "OLDEST READY");
            for (JsonNode group : groups) {
                table.row("  " + (group.path("type").isNull() ? "(any bot)" : group.path("type").asText()),
                        group.path("priority").asInt(), group.path("pending").asLong(), group.path("ready").asLong(),
                        group.path("delayed").asLong(), seconds(group.path("oldest_ready_age_seconds").asDouble()));
            }
            table.print(out);
        }
        JsonNode replicas = status.path("replicas");
        if (replicas.size() > 0) {
            out.println("Replicas");
            Table table = new Table("  NAME", "BOT CONNECTIONS");
            for (JsonNode replica : replicas) {
                table.row("  " + replica.path("name").asText(), replica.path("connections").asLong());
            }
            table.print(out);
        }
        out.flush();
    }

    static String seconds(double seconds) {
        if (seconds <= 0) {
            return "-";
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%.1f min", seconds / 60);
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
}
