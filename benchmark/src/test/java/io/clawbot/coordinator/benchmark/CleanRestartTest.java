package io.clawbot.coordinator.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.botclient.BotClient;
import io.clawbot.coordinator.embedded.EmbeddedPostgres;
import io.clawbot.coordinator.embedded.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packaged coordinator stopped with SIGTERM while five bots of the SDK are connected and running tasks, then
 * started again: the stop logs no ERROR, no warning and no stack trace, the bots never give up, and once the
 * coordinator is back they take up work again. Everything is real: the coordinator's process, PostgreSQL, Redis
 * and the bots' sockets.
 */
class CleanRestartTest {

    private static final Path APP = Path.of("..", "bootstrap", "target", "quarkus-app", "quarkus-run.jar");
    private static final int BOTS = 5;
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void a_stop_with_bots_at_work_is_quiet_and_the_bots_are_back_at_work_after_the_restart() throws Exception {
        assertThat(APP).as("the packaged coordinator (the bootstrap module builds it)").isRegularFile();
        Path work = Path.of("target", "clean-restart");
        deleteRecursively(work);
        Files.createDirectories(work);
        EmbeddedPostgres postgres = EmbeddedPostgres.start(work.resolve("postgres"), FreePort.find());
        List<BotClient> bots = new ArrayList<>();
        try (StoppableRedis redis = new StoppableRedis();
                Replicas replicas = new Replicas(1, APP, work, postgres.url(database(postgres)), redis.url())) {
            replicas.startAll();
            Api api = new Api(replicas);
            Set<String> ran = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < BOTS; i++) {
                String token = api.registerBot(0, "restart-bot-" + i, List.of("work")).path("token").asText();
                BotClient bot = BotClient.builder().uri(replicas.controlUri(0)).token(token).slots(2)
                        .reconnect(Duration.ofMillis(200), Duration.ofSeconds(2))
                        .handler(task -> {
                            Thread.sleep(1500);
                            ran.add(task.taskId());
                            return Map.of("ok", true);
                        })
                        .build();
                bots.add(bot);
                bot.start().get(30, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 20; i++) {
                api.createTask(0, "{\"type\": \"work\", \"payload\": {\"n\": " + i + "}}");
            }
            awaitRunning(bots, BOTS);

            double stopSeconds = replicas.restartInBackground(0, Replicas.Stop.SIGTERM).get(WAIT.toSeconds(),
                    TimeUnit.SECONDS);

            assertThat(bots).as("bots that gave up").noneMatch(b -> b.terminated().isDone());
            for (int i = 0; i < 10; i++) {
                api.createTask(0, "{\"type\": \"work\", \"payload\": {\"after\": " + i + "}}");
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ran.size() < 30 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(ran).as("tasks the bots ran, across the restart").hasSize(30);
            assertThat(bots).allMatch(BotClient::isConnected);
            assertThat(stopSeconds).as("seconds the stop took").isLessThan(15);
            List<String> log = Files.readAllLines(replicas.log(0));
            assertThat(log).as("the coordinator's log").anyMatch(line -> line.contains("stopped in"))
                    .noneMatch(line -> line.contains(" ERROR ") || line.contains(" WARN "))
                    .noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by:"));
        } finally {
            bots.forEach(BotClient::close);
            postgres.close();
        }
    }

    /** A run starts from nothing: no database and no log of an earlier run. */
    private static void deleteRecursively(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static String database(EmbeddedPostgres postgres) {
        postgres.createDatabase("clawbot_restart");
        return "clawbot_restart";
    }

    /** Waits until the bots are running at least {@code count} tasks between them. */
    private static void awaitRunning(List<BotClient> bots, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (bots.stream().mapToInt(BotClient::runningTaskCount).sum() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(bots.stream().mapToInt(BotClient::runningTaskCount).sum()).isGreaterThanOrEqualTo(count);
    }
}
