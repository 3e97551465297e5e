package io.clawbot.coordinator.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The coordinator's HTTP API as the scale-out check calls it, on whichever replica it names. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Replicas replicas;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    Api(Replicas replicas) {
        this.replicas = replicas;
    }

    /** Registers a bot through {@code replica}; the answer holds its {@code id} and {@code token}. */
    JsonNode registerBot(int replica, String name, List<String> capabilities) throws IOException,
            InterruptedException {
        String body = JSON.createObjectNode().put("name", name).set("capabilities", JSON.valueToTree(capabilities))
                .toString();
        return created(post(replica, "/api/v1/bots", body));
    }

    /** Creates a task through {@code replica}, once. */
    JsonNode createTask(int replica, String body) throws IOException, InterruptedException {
        return created(post(replica, "/api/v1/tasks", body));
    }

    /** Creates a task through {@code replica} under an Idempotency-Key, without waiting for the answer. */
    CompletableFuture<HttpResponse<String>> createTaskAsync(int replica, String idempotencyKey, String body) {
        return http.sendAsync(request(replica, "/api/v1/tasks", body).header("Idempotency-Key", idempotencyKey)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST with a JSON body ({@code "{}"} for none); the answer whatever its status. */
    HttpResponse<String> post(int replica, String path, String body) throws IOException, InterruptedException {
        return http.send(request(replica, path, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A POST with a JSON body sent with another bearer credential (a bot's token); the answer whatever its status. */
    HttpResponse<String> postAs(int replica, String path, String body, String bearer) throws IOException,
            InterruptedException {
        return http.send(request(replica, path, body).setHeader("Authorization", "Bearer " + bearer).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A GET; the answer whatever its status, waited for up to {@code timeout}. */
    HttpResponse<String> get(int replica, String path, Duration timeout) throws IOException, InterruptedException {
        return http.send(getRequest(replica, path, timeout), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> getAsync(int replica, String path, Duration timeout) {
        return http.sendAsync(getRequest(replica, path, timeout), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest getRequest(int replica, String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(replicas.base(replica) + path))
                .header("Authorization", "Bearer " + replicas.adminKey()).timeout(timeout).GET().build();
    }

    private HttpRequest.Builder request(int replica, String path, String body) {
        return HttpRequest.newBuilder(URI.create(replicas.base(replica) + path))
                .header("Authorization", "Bearer " + replicas.adminKey())
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static JsonNode created(HttpResponse<String> response) throws IOException {
        if (response.statusCode() != 201) {
            throw new IllegalStateException(response.request().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }
}
