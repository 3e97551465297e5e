package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code watch}: the status redrawn every few seconds, with the throughput over the last minute. On a terminal the
 * screen is cleared before each draw; otherwise each draw follows the last, which suits a log.
 */
@Command(name = "watch", description = "A live view of the backlog, the throughput and the bots; Ctrl-C stops it.")
final class WatchCommand implements Callable<Integer> {

    private static final String CLEAR = "\u001b[H\u001b[2J";

    @ParentCommand
    Clawbot root;

    @Option(names = "--interval", defaultValue = "2", paramLabel = "SECONDS", description = "Seconds between draws (default ${DEFAULT-VALUE}).")
    double interval;

    @Option(names = "--count", defaultValue = "0", paramLabel = "N", description = "Stop after N draws (default: until interrupted).")
    int count;

    @Override
    public Integer call() throws InterruptedException {
        if (interval < 0.2) {
            throw new CliException(ExitCodes.USAGE, "--interval must be at least 0.2 seconds");
        }
        for (int draw = 0; count == 0 || draw < count; draw++) {
            if (draw > 0) {
                Thread.sleep((long) (interval * 1000));
            }
            JsonNode status = root.api().get("/api/v1/status");
            if (root.json()) {
                root.printJson(status);
                continue;
            }
            // completed_last_minute is a sliding count; its per-second rate is the throughput over that minute.
            long completed = status.path("tasks").path("completed_last_minute").asLong();
            String rate = String.format(Locale.ROOT, "%.1f tasks/s over the last minute", completed / 60.0);
            if (root.terminal()) {
                root.out().print(CLEAR);
            }
            root.out().printf("%s  %s  every %s s%n", root.api().base(),
                    LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), interval);
            root.out().println("Throughput: " + rate);
            StatusCommand.draw(root.out(), status);
            root.out().println();
            root.out().flush();
        }
        return ExitCodes.OK;
    }
}
