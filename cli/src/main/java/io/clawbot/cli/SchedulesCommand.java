package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code schedules}: the cron schedules with their next fire times; enable and disable one. */
@Command(name = "schedules", description = "List the schedules and when each fires next.")
final class SchedulesCommand implements Callable<Integer> {

    @ParentCommand
    Clawbot root;

    @Mixin
    PageOptions page;

    @Override
    public Integer call() {
        JsonNode schedules = root.api().get(page.path("/api/v1/schedules"));
        root.print(schedules, rows -> {
            Table table = new Table("ID", "NAME", "CRON", "TIME ZONE", "TARGET", "ENABLED", "NEXT FIRE", "LAST FIRED");
            for (JsonNode schedule : rows) {
                table.row(schedule.get("id"), schedule.get("name"), schedule.get("cron"), schedule.get("time_zone"),
                        schedule.get("target"), schedule.get("enabled"), schedule.get("next_fire_at"),
                        schedule.get("last_fired_at"));
            }
            table.print(root.out());
        });
        return ExitCodes.OK;
    }

    @Command(name = "get", description = "A schedule and its next fire times.")
    int get(@Parameters(paramLabel = "SCHEDULE_ID") String id,
            @Option(names = "--count", defaultValue = "5", paramLabel = "N") int count) {
        String schedule = TasksCommand.uuid(id, "schedule");
        JsonNode answer = root.api().get("/api/v1/schedules/" + schedule);
        JsonNode times = root.api().get("/api/v1/schedules/" + schedule + "/next-fire-times?count=" + count);
        if (root.json()) {
            root.printJson(((ObjectNode) answer.deepCopy())
                    .set("next_fire_times", times.path("next_fire_times")));
            return ExitCodes.OK;
        }
        Table.fields(root.out(), answer, "id", "name", "description", "cron", "time_zone", "misfire_policy",
                "target", "enabled", "last_fired_at", "template");
        root.out().println("next fire times:");
        times.path("next_fire_times").forEach(time -> root.out().println("  " + time.asText()));
        root.out().flush();
        return ExitCodes.OK;
    }

    @Command(name = "enable", description = "Enable a schedule: it fires from its next occurrence.")
    int enable(@Parameters(paramLabel = "SCHEDULE_ID") String id) {
        return toggle(id, "enable");
    }

    @Command(name = "disable", description = "Disable a schedule: it keeps its definition and fires no more.")
    int disable(@Parameters(paramLabel = "SCHEDULE_ID") String id) {
        return toggle(id, "disable");
    }

    private int toggle(String id, String action) {
        JsonNode schedule = root.api().post("/api/v1/schedules/" + TasksCommand.uuid(id, "schedule") + "/" + action,
                null);
        root.print(schedule, answer -> root.out().println(answer.path("name").asText() + ": enabled "
                + answer.path("enabled").asBoolean() + ", next fire " + Table.cell(answer.get("next_fire_at"))));
        return ExitCodes.OK;
    }
}
