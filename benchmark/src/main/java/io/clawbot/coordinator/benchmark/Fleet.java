package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import io.clawbot.coordinator.botclient.BotClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The bots that do the check's work, spread round robin over the replicas, each given every replica's address so
 * that it moves on when its replica goes away. They keep a record of every attempt they ran to the end, against
 * which the coordinator's completions are checked.
 */
final class Fleet implements AutoCloseable {

    private final Replicas replicas;
    private final int slots;
    private final List<String> tokens = new ArrayList<>();
    private final List<BotClient> bots = new ArrayList<>();
    /** (task id, attempt) pairs the bots ran to completion. */
    private final Set<String> ran = ConcurrentHashMap.newKeySet();

    private Fleet(Replicas replicas, int slots) {
        this.replicas = replicas;
        this.slots = slots;
    }

    /** Registers and connects {@code count} bots, bot b first to replica b mod the replica count. */
    static Fleet connect(Api api, Replicas replicas, int count, int slots, List<String> capabilities)
            throws Exception {
        Fleet fleet = new Fleet(replicas, slots);
        for (int b = 0; b < count; b++) {
            JsonNode bot = api.registerBot(b % replicas.count(), "scale-" + b, capabilities);
            fleet.tokens.add(bot.get("token").asText());
            fleet.bots.add(fleet.start(b, b % replicas.count()));
        }
        return fleet;
    }

    /** Whether the bots ran this attempt to the end. */
    boolean ran(String taskId, int attempt) {
        return ran.contains(taskId + "#" + attempt);
    }

    /** Ends bot {@code b}'s process, as it were, and starts it again with {@code replica} as its first address. */
    void restartOn(int b, int replica) throws Exception {
        bots.get(b).close();
        bots.set(b, start(b, replica));
    }

    private BotClient start(int b, int firstReplica) throws Exception {
        BotClient client = BotClient.builder().uris(replicas.controlUris(firstReplica)).token(tokens.get(b))
                .slots(slots).heartbeatInterval(Duration.ofMillis(500))
                .handler(task -> {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(5, 25));
                    ran.add(task.taskId() + "#" + task.attempt());
                    return Map.of("attempt", task.attempt());
                })
                .build();
        client.start().get(30, TimeUnit.SECONDS);
        return client;
    }

    @Override
    public void close() {
        bots.forEach(BotClient::close);
    }
}
