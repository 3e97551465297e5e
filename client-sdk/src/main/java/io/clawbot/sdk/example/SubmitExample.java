package io.clawbot.sdk.example;

import io.clawbot.client.model.CreateTaskRequest;
import io.clawbot.client.model.Task;
import io.clawbot.sdk.ClawbotClient;
import io.clawbot.sdk.ClawbotException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * Submits one task with the SDK, prints its progress as its bot reports it, and exits with its outcome: 0 when
 * it completed, 1 when it failed, timed out or was cancelled, 2 on a refusal. Run by
 * {@code scripts/example-client.sh TYPE [JSON payload]}; with {@code scripts/example-bot.sh} running, the
 * example bot takes it.
 */
public final class SubmitExample {

    private SubmitExample() {
    }

    public static void main(String[] args) throws Exception {
        String url = System.getenv().getOrDefault("CLAWBOT_URL", "http://localhost:8080");
        String key = System.getenv("CLAWBOT_KEY");
        if (key == null || args.length < 1) {
            System.err.println("usage: CLAWBOT_KEY=<api key> scripts/example-client.sh TYPE [JSON payload]");
            System.exit(2);
        }
        ClawbotClient client = ClawbotClient.connect(URI.create(url), key);
        Map<String, Object> payload = args.length > 1
                ? new com.fasterxml.jackson.databind.ObjectMapper().readValue(args[1],
                        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {
                        })
                : Map.of();
        try {
            Task task = client.submit(new CreateTaskRequest().type(args[0]).payload(payload),
                    UUID.randomUUID().toString());
            System.out.println("submitted " + task.getId());
            client.follow(task.getId(), null, event -> {
                switch (event.name()) {
                    case "transition" -> System.out.println("  -> " + event.data().get("to_status"));
                    case "progress" -> System.out.println("  progress " + event.data().get("data"));
                    default -> {
                    }
                }
            });
            Task done = client.awaitTask(task.getId(), Duration.ofSeconds(5));
            System.out.println(done.getStatus() + " " + (done.getResult() != null
                    ? done.getResult()
                    : done.getError() == null ? "" : done.getError()));
            System.exit(done.getStatus() == Task.StatusEnum.COMPLETED ? 0 : 1);
        } catch (ClawbotException e) {
            System.err.println("refused (" + e.status() + "): " + e.getMessage());
            System.exit(2);
        }
    }
}
