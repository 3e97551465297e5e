package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.botclient.BotClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A task's life as one trace: the client's request creates it, the coordinator dispatches it, a bot built on the
 * Java SDK runs it (its span a child of the task's trace, exported by the bot's own OpenTelemetry) and reports,
 * and the attempt ends. A client's own {@code traceparent} is the trace's root.
 */
@QuarkusTest
@TestProfile(Traced.class)
class TraceTest {

    private static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("clawbot.task.id");

    @Inject
    InMemorySpanExporter coordinatorSpans;

    @Test
    void create_dispatch_bot_run_and_report_are_one_trace_with_the_bots_span_inside() throws Exception {
        String type = Fixtures.unique("traced");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("traced-bot"), type);
        InMemorySpanExporter botSpans = InMemorySpanExporter.create();
        OpenTelemetrySdk botTelemetry = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(botSpans)).build()).build();
        String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String clientSpan = "00f067aa0ba902b7";
        String task;
        try (BotClient bot = BotClient.builder().uri(URI.create(TestBot.uri(null).toString()))
                .token(creds.token()).openTelemetry(botTelemetry)
                .handler(assigned -> Map.of("traced", assigned.traceParent() != null)).build()) {
            bot.start().get(10, TimeUnit.SECONDS);
            task = given().contentType(ContentType.JSON).header("traceparent", "00-" + clientTrace + "-"
                    + clientSpan + "-01").body(Map.of("type", type)).when().post("/api/v1/tasks").then()
                    .statusCode(201).extract().path("id");
            WorkMetricsTest.eventually(() -> given().when().get("/api/v1/tasks/" + task).then()
                    .body("status", org.hamcrest.Matchers.equalTo("completed"))
                    .body("result.traced", org.hamcrest.Matchers.equalTo(true)));
        }

        // The bot's run: a child of the request that created the task, in the client's trace.
        SpanData run = single(botSpans.getFinishedSpanItems(), s -> s.getName().equals("clawbot.run " + type));
        assertThat(run.getTraceId()).isEqualTo(clientTrace);
        assertThat(run.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(run.getAttributes().get(TASK_ID)).isEqualTo(task);

        // The coordinator's side of the same trace: the request, the dispatch, the attempt that ended completed.
        WorkMetricsTest.eventually(() -> assertThat(coordinatorSpans.getFinishedSpanItems())
                .anyMatch(s -> s.getName().startsWith("clawbot.attempt")
                        && task.equals(s.getAttributes().get(TASK_ID))));
        List<SpanData> trace = coordinatorSpans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(clientTrace)).toList();
        SpanData request = single(trace, s -> s.getKind() == SpanKind.SERVER && s.getName().contains("/api/v1/tasks"));
        assertThat(request.getParentSpanId()).isEqualTo(clientSpan);
        assertThat(run.getParentSpanId()).isEqualTo(request.getSpanId());
        SpanData dispatch = single(trace, s -> s.getName().equals("clawbot.dispatch " + type));
        SpanData attempt = single(trace, s -> s.getName().equals("clawbot.attempt " + type));
        assertThat(dispatch.getParentSpanId()).isEqualTo(request.getSpanId());
        assertThat(attempt.getParentSpanId()).isEqualTo(request.getSpanId());
        assertThat(attempt.getAttributes().get(AttributeKey.stringKey("clawbot.task.cause"))).isEqualTo("completed");
        assertThat(attempt.getAttributes().get(AttributeKey.longKey("clawbot.task.attempt"))).isEqualTo(1L);
        // The bot ran within the attempt as the coordinator saw it.
        assertThat(run.getStartEpochNanos()).isGreaterThanOrEqualTo(attempt.getStartEpochNanos());
        assertThat(dispatch.getEndEpochNanos()).isLessThanOrEqualTo(attempt.getEndEpochNanos());
        botTelemetry.close();

        // The latency histograms carry the task's trace id as exemplars (OpenMetrics): from a slow bucket to a trace.
        String openMetrics = given().port(ServiceApiTest.managementPort()).noFiltersOfType(AsAdmin.class)
                .accept("application/openmetrics-text; version=1.0.0; charset=utf-8").when().get("/q/metrics")
                .then().statusCode(200).extract().asString();
        for (String histogram : List.of("clawbot_task_dispatch_seconds_bucket", "clawbot_task_run_seconds_bucket",
                "clawbot_task_end_to_end_seconds_bucket")) {
            assertThat(openMetrics.lines().filter(line -> line.startsWith(histogram + "{")
                    && line.contains("type=\"" + type + "\"") && line.contains("trace_id=\"" + clientTrace + "\"")))
                    .as(histogram + " with an exemplar of the task's trace").isNotEmpty();
        }
    }

    @Test
    void a_workflows_steps_are_in_the_trace_of_the_request_that_started_the_run() throws Exception {
        String type = Fixtures.unique("traced-step");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("traced-step-bot"), type);
        InMemorySpanExporter botSpans = InMemorySpanExporter.create();
        OpenTelemetrySdk botTelemetry = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(botSpans)).build()).build();
        String run;
        try (BotClient bot = BotClient.builder().uri(URI.create(TestBot.uri(null).toString()))
                .token(creds.token()).slots(2).openTelemetry(botTelemetry).handler(assigned -> {
                    Thread.sleep(20); // a step that does some work
                    return Map.of("parent", String.valueOf(assigned.traceParent()));
                }).build()) {
            bot.start().get(10, TimeUnit.SECONDS);
            // Fetch, then two steps at once, then one that joins them.
            run = given().contentType(ContentType.JSON).body(Map.of("definition", Map.of("name", "traced",
                    "steps", List.of(Map.of("id", "fetch", "type", type),
                            Map.of("id", "resize", "type", type, "depends_on", "fetch"),
                            Map.of("id", "scan", "type", type, "depends_on", "fetch"),
                            Map.of("id", "publish", "type", type, "depends_on", List.of("resize", "scan"))))))
                    .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");
            WorkMetricsTest.eventually(() -> given().when().get("/api/v1/workflows/" + run).then()
                    .body("status", org.hamcrest.Matchers.equalTo("completed")));
        }
        List<String> parents = given().when().get("/api/v1/workflows/" + run + "/tasks").then().extract()
                .path("tasks.result.parent");
        assertThat(parents).hasSize(4).allMatch(p -> p.startsWith("00-")).containsOnly(parents.getFirst());
        String traceId = parents.getFirst().substring(3, 35);
        WorkMetricsTest.eventually(() -> assertThat(coordinatorSpans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getName().equals("clawbot.attempt " + type)))
                .hasSize(4));
        List<SpanData> trace = coordinatorSpans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId)).toList();
        List<SpanData> runs = botSpans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId))
                .toList();
        assertThat(runs).hasSize(4);
        // docs/workflow-trace.svg is this picture.
        TraceWaterfall.write(Path.of("target", "workflow-trace.svg"), "One workflow run: fetch, then resize and "
                + "scan at once, then publish (TraceTest)", trace, runs);
        botTelemetry.close();
    }

    @Test
    void a_retry_is_linked_to_the_attempt_before_it() throws Exception {
        String type = Fixtures.unique("traced-retry");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("traced-retry-bot"), type);
        String task;
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        try (BotClient bot = BotClient.builder().uri(URI.create(TestBot.uri(null).toString()))
                .token(creds.token()).handler(assigned -> {
                    if (runs.incrementAndGet() == 1) {
                        throw new io.clawbot.coordinator.botclient.TaskFailure("flaky", "the first run fails");
                    }
                    return Map.of();
                }).build()) {
            bot.start().get(10, TimeUnit.SECONDS);
            task = given().contentType(ContentType.JSON).body(Map.of("type", type, "retry", Map.of("max_attempts", 2,
                    "backoff_seconds", 0, "jitter", 0))).when().post("/api/v1/tasks").then().statusCode(201)
                    .extract().path("id");
            WorkMetricsTest.eventually(() -> given().when().get("/api/v1/tasks/" + task).then()
                    .body("status", org.hamcrest.Matchers.equalTo("completed")));
        }
        WorkMetricsTest.eventually(() -> assertThat(coordinatorSpans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals("clawbot.attempt " + type))).hasSize(2));
        List<SpanData> spans = coordinatorSpans.getFinishedSpanItems().stream()
                .filter(s -> task.equals(s.getAttributes().get(TASK_ID))).toList();
        AttributeKey<Long> attempt = AttributeKey.longKey("clawbot.task.attempt");
        SpanData first = single(spans, s -> s.getName().startsWith("clawbot.attempt")
                && Long.valueOf(1).equals(s.getAttributes().get(attempt)));
        SpanData second = single(spans, s -> s.getName().startsWith("clawbot.attempt")
                && Long.valueOf(2).equals(s.getAttributes().get(attempt)));
        SpanData redispatch = single(spans, s -> s.getName().startsWith("clawbot.dispatch")
                && Long.valueOf(2).equals(s.getAttributes().get(attempt)));
        assertThat(first.getAttributes().get(AttributeKey.stringKey("clawbot.task.cause")))
                .isEqualTo("retry_scheduled");
        assertThat(first.getLinks()).isEmpty();
        for (SpanData retry : List.of(second, redispatch)) {
            assertThat(retry.getTraceId()).isEqualTo(first.getTraceId());
            assertThat(retry.getLinks()).singleElement().satisfies(link -> {
                assertThat(link.getSpanContext().getSpanId()).isEqualTo(first.getSpanId());
                assertThat(link.getSpanContext().getTraceId()).isEqualTo(first.getTraceId());
            });
        }
    }

    private static SpanData single(List<SpanData> spans, Predicate<SpanData> which) {
        List<SpanData> found = spans.stream().filter(which).toList();
        assertThat(found).as("spans " + spans.stream().map(SpanData::getName).toList()).hasSize(1);
        return found.getFirst();
    }

}
