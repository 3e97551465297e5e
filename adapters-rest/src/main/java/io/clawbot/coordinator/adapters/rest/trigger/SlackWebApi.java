package io.clawbot.coordinator.adapters.rest.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.coordinator.domain.trigger.port.ChatReplies;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Replies to Slack over HTTP: a slash command's {@code response_url}, or {@code chat.postMessage} under the
 * configured API base URL with the trigger's bot token. A 429, a 5xx, a network fault or one of Slack's transient
 * errors is worth another try; anything else (a bad token, an unknown channel, an expired URL) is not.
 */
@ApplicationScoped
public class SlackWebApi implements ChatReplies {

    private static final Set<String> TRANSIENT = Set.of("ratelimited", "service_unavailable", "internal_error",
            "fatal_error", "request_timeout");

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final String apiBase;
    private final Duration timeout;

    public SlackWebApi(ObjectMapper mapper, HookConfig config) {
        this.mapper = mapper;
        this.apiBase = config.slack().apiBaseUrl().replaceAll("/+$", "");
        this.timeout = config.slack().timeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public Uni<Result> toResponseUrl(String url, String text) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("response_type", "ephemeral");
        body.put("replace_original", false);
        return send(HttpRequest.newBuilder(URI.create(url)), body);
    }

    @Override
    public Uni<Result> toChannel(String botToken, String channel, String threadTs, String text) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("channel", channel);
        body.put("text", text);
        if (threadTs != null) {
            body.put("thread_ts", threadTs);
        }
        return send(HttpRequest.newBuilder(URI.create(apiBase + "/chat.postMessage")).header("Authorization",
                "Bearer " + botToken), body);
    }

    private Uni<Result> send(HttpRequest.Builder request, Map<String, Object> body) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().item(new Result(false, false, "cannot write the message: " + e.getMessage(), 0));
        }
        HttpRequest built = request.timeout(timeout).header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
        return Uni.createFrom().completionStage(() -> http.sendAsync(built, HttpResponse.BodyHandlers.ofString()))
                .map(this::result)
                .onFailure().recoverWithItem(e -> new Result(false, true, "cannot reach Slack: " + e, 0));
    }

    private Result result(HttpResponse<String> response) {
        int status = response.statusCode();
        long hint = response.headers().firstValue("Retry-After").map(SlackWebApi::seconds).orElse(0L);
        if (status == 429 || status >= 500) {
            return new Result(false, true, "Slack answered " + status, hint);
        }
        if (status >= 300) {
            return new Result(false, false, "Slack answered " + status + ": " + cut(response.body()), 0);
        }
        String body = response.body() == null ? "" : response.body().strip();
        if (!body.startsWith("{")) {
            return Result.ok();
        }
        try {
            Map<?, ?> answer = mapper.readValue(body, Map.class);
            if (!Boolean.FALSE.equals(answer.get("ok"))) {
                return Result.ok();
            }
            String error = String.valueOf(answer.get("error"));
            return new Result(false, TRANSIENT.contains(error), "Slack refused: " + error, hint);
        } catch (JsonProcessingException e) {
            return Result.ok();
        }
    }

    private static long seconds(String value) {
        try {
            return Math.max(0, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String cut(String text) {
        return text == null ? "" : text.length() > 200 ? text.substring(0, 200) : text;
    }
}
