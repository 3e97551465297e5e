package io.clawbot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The coordinator's REST API as JSON trees: one request at a time over HTTP/1.1, the API key as a bearer token. An
 * answer outside 2xx becomes a {@link CliException} carrying the problem's detail and the exit code it maps to.
 */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(75);

    private final URI base;
    private final String key;
    private final HttpClient http;

    Api(URI base, String key) {
        this.base = base;
        this.key = key;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    URI base() {
        return base;
    }

    JsonNode get(String path) {
        return send(request(path).GET());
    }

    JsonNode post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").POST(body(body)));
    }

    /** A POST under an {@code Idempotency-Key}: the same key again answers with what the first made. */
    JsonNode postWithKey(String path, Object body, String idempotencyKey) {
        return send(request(path).header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(body(body)));
    }

    JsonNode postText(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    JsonNode postTextWithKey(String path, String contentType, String body, String idempotencyKey) {
        return send(request(path).header("Content-Type", contentType).header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    JsonNode put(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json").PUT(body(body)));
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    /**
     * Opens a {@code text/event-stream} and hands its lines to {@code reader}; the stream ends when the server
     * closes it. {@code lastEventId} resumes after that event.
     */
    void stream(String path, String lastEventId, StreamReader reader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path)).header("Accept", "text/event-stream")
                .GET();
        authorize(request);
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() / 100 != 2) {
                String body;
                try (InputStream in = response.body()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                throw failure(response.statusCode(), body);
            }
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                reader.read(lines);
            }
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNAVAILABLE, "interrupted");
        }
    }

    /** Reads an event stream's lines. */
    interface StreamReader {
        void read(BufferedReader lines) throws IOException;
    }

    /** A path with its query: the parameters whose value is not {@code null}, URL-encoded. */
    static String path(String path, Map<String, ?> query) {
        StringJoiner joined = new StringJoiner("&", path + "?", "").setEmptyValue(path);
        query.forEach((name, value) -> {
            if (value != null) {
                joined.add(name + "=" + URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8));
            }
        });
        return joined.toString();
    }

    /** A query of name/value pairs in the order given ({@code null} values are left out by {@link #path}). */
    static Map<String, Object> query(Object... namesAndValues) {
        Map<String, Object> query = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            query.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return query;
    }

    /** A path segment taken from the user, encoded so that it stays one segment. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json");
        authorize(request);
        return request;
    }

    private void authorize(HttpRequest.Builder request) {
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        request.header("User-Agent", "clawbot-cli");
    }

    private URI resolve(String path) {
        String root = base.toString().replaceAll("/+$", "");
        return URI.create(root + path);
    }

    private static HttpRequest.BodyPublisher body(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body == null ? Map.of() : body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.UNAVAILABLE, "interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw failure(response.statusCode(), response.body());
        }
        if (response.body() == null || response.body().isBlank()) {
            return NullNode.getInstance();
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CliException(ExitCodes.UNAVAILABLE, "the coordinator at " + base + " answered "
                    + response.statusCode() + " with a body that is not JSON");
        }
    }

    private CliException unreachable(IOException e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new CliException(ExitCodes.UNAVAILABLE, "cannot reach the coordinator at " + base + ": " + why);
    }

    /** The problem an answer carries, in one line, with the exit code its status maps to. */
    static CliException failure(int status, String body) {
        String detail = null;
        try {
            JsonNode problem = body == null || body.isBlank() ? null : JSON.readTree(body);
            if (problem != null && problem.isObject()) {
                detail = text(problem, "detail");
                if (detail == null) {
                    detail = text(problem, "title");
                }
                String field = text(problem, "field");
                if (field != null && detail != null && !detail.contains(field)) {
                    detail = field + ": " + detail;
                }
            }
        } catch (IOException e) {
            // not a problem document: the status says enough
        }
        String message = (detail == null ? "the coordinator answered " + status : detail) + " (" + status + ")";
        return new CliException(ExitCodes.forStatus(status), message);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
