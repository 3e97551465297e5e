package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Triggers end to end: requests signed exactly as Slack, GitHub and Standard Webhooks document, against the real
 * service and database, with replies posted to a real local HTTP server standing in for Slack.
 */
@QuarkusTest
@TestProfile(TriggersTest.Service.class)
class TriggersTest {

    /** The service with its Slack replies sent to the stand-in. */
    public static class Service implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return SlackStandIn.config();
        }
    }

    /** The signing secret of Slack's documentation example. */
    static final String SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    /** The secret of GitHub's documentation example. */
    static final String GITHUB_SECRET = "It's a Secret to Everybody";
    private static final ExecutorService RACERS = Executors.newFixedThreadPool(8);

    private final SlackStandIn slack = SlackStandIn.get();

    @BeforeEach
    void quiet() {
        slack.clear();
    }

    @AfterAll
    static void stop() {
        RACERS.shutdownNow();
        SlackStandIn.stop();
    }

    // --- signing, computed here as each sender documents it ---------------------------------------------------

    static String hmacHex(byte[] key, String text) {
        return HexFormat.of().formatHex(hmac(key, text.getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String now() {
        return String.valueOf(Instant.now().getEpochSecond());
    }

    /** A request to a Slack trigger's hook, signed with {@code secret} at {@code timestamp}, without an API key. */
    static Response slack(String trigger, String contentType, String body, String timestamp, String secret) {
        String signature = "v0=" + hmacHex(secret.getBytes(StandardCharsets.UTF_8),
                "v0:" + timestamp + ":" + body);
        return hook().contentType(contentType).header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", signature).body(body)
                .post("/api/v1/hooks/slack/" + trigger);
    }

    static RequestSpecification hook() {
        return given().noFiltersOfType(AsAdmin.class).when();
    }

    static String form(Map<String, String> fields) {
        List<String> pairs = new ArrayList<>();
        fields.forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", pairs);
    }

    static String slashCommand(String command, String text, String responseUrl) {
        return form(Map.of("token", "gIkuvaNzQIHg97ATvDxqgjtO", "team_id", "T0001", "channel_id", "C2147483705",
                "user_id", "U2147483697", "command", command, "text", text, "response_url", responseUrl,
                "trigger_id", UUID.randomUUID().toString()));
    }

    static String event(String eventId, String extra) {
        return """
                {"token": "XXYYZZ", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
                 "event_id": "%s", "event_time": 1700000000,
                 "authorizations": [{"user_id": "U0APPUSER1", "is_bot": true}],
                 "event": {"type": "app_mention", "user": "U2147483697", "text": "<@U0APPUSER1> deploy staging",
                           "channel": "C2147483705", "ts": "1700000000.000100"%s}}
                """.formatted(eventId, extra);
    }

    static void createTrigger(Map<String, Object> trigger) {
        given().contentType(ContentType.JSON).body(trigger).when().post("/api/v1/triggers").then().statusCode(201)
                .body("trigger.name", equalTo(trigger.get("name")));
    }

    static Map<String, Object> taskTrigger(String name, String source, String type, Map<String, Object> extra) {
        Map<String, Object> trigger = new java.util.LinkedHashMap<>();
        trigger.put("name", name);
        trigger.put("source", source);
        trigger.put("target", "task");
        trigger.put("template", Map.of("type", type, "payload", Map.of("text", "${event.text}", "user",
                "${event.user}", "channel", "${event.channel}", "workdir", "/srv/" + name)));
        trigger.put("rate_limit", Map.of("max_requests", 1000, "window_seconds", 60));
        trigger.putAll(extra);
        return trigger;
    }

    static int tasksOfType(String type) {
        return given().queryParam("type", type).queryParam("limit", 500).when().get("/api/v1/tasks").then()
                .statusCode(200).extract().jsonPath().getList("id").size();
    }

    static List<Map<String, Object>> deliveries(String trigger) {
        return given().when().get("/api/v1/triggers/" + trigger + "/deliveries").then().statusCode(200).extract()
                .jsonPath().getList("$");
    }

    /** Waits up to 10 s for the condition. */
    static void until(Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.call()) {
            assertThat(System.nanoTime()).as("waited 10 s in vain").isLessThan(end);
            Thread.sleep(100);
        }
    }

    // --- Slack ------------------------------------------------------------------------------------------------

    @Test
    void a_slash_command_starts_a_definition_run_whose_result_is_posted_back() throws Exception {
        String definition = Fixtures.unique("release");
        String type = Fixtures.unique("hk-build");
        given().contentType(ContentType.JSON).body(Map.of("name", definition, "definition", Map.of("steps", List.of(
                Map.of("id", "build", "type", type, "params", Map.of("target", "${input.target}", "by",
                        "${input.user}", "workdir", "${input.workdir}"))))))
                .when().post("/api/v1/workflow-definitions").then().statusCode(201);
        String trigger = Fixtures.unique("release-bot");
        createTrigger(Map.of("name", trigger, "source", "slack", "secret", SLACK_SECRET, "target", "definition",
                "template", Map.of("name", definition, "input", Map.of("target", "${event.text}", "user",
                        "${event.user}", "workdir", "/srv/release")),
                "match", Map.of("commands", List.of("/release")), "reply", true));

        String responseUrl = SlackStandIn.base() + "/commands/T0001/1234/abcd";
        Response answer = slack(trigger, "application/x-www-form-urlencoded",
                slashCommand("/release", "staging", responseUrl), now(), SLACK_SECRET);
        answer.then().statusCode(200).contentType(ContentType.JSON).body("outcome", equalTo("accepted"))
                .body("workflow_id", notNullValue()).body("text", containsString("Accepted"))
                .body("response_type", equalTo("ephemeral"));
        String workflow = answer.path("workflow_id");

        var run = given().when().get("/api/v1/workflows/" + workflow + "/tasks").then().statusCode(200).extract()
                .jsonPath();
        assertThat(run.getString("tasks[0].payload.target")).isEqualTo("staging");
        assertThat(run.getString("tasks[0].payload.by")).isEqualTo("U2147483697");
        assertThat(run.getString("tasks[0].payload.workdir")).isEqualTo("/srv/release");
        String task = run.getString("tasks[0].id");
        assertThat(slack.next(Duration.ofMillis(600))).as("nothing is posted before the work ends").isNull();

        String bot = Fixtures.registerBot(Fixtures.unique("builder"), type);
        Fixtures.heartbeat(bot);
        Fixtures.assign(task, bot);
        given().contentType(ContentType.JSON).body("{\"attempt\": 1, \"result\": {\"image\": \"sha256:abc\"}}")
                .when().post("/api/v1/tasks/" + task + "/complete").then().statusCode(200);

        SlackStandIn.Received reply = slack.next(Duration.ofSeconds(15));
        assertThat(reply).as("the result posted to the response_url").isNotNull();
        assertThat(reply.path()).isEqualTo("/commands/T0001/1234/abcd");
        assertThat(reply.body()).contains("workflow " + workflow + " completed").contains("sha256:abc");
        until(() -> "sent".equals(deliveries(trigger).getFirst()
                .get("reply_state")));
        assertThat(slack.next(Duration.ofMillis(600))).as("posted once").isNull();
    }

    @Test
    void slacks_documented_request_replayed_later_is_refused_as_stale() {
        String trigger = Fixtures.unique("replayed");
        String type = Fixtures.unique("hk-replay");
        createTrigger(taskTrigger(trigger, "slack", type, Map.of("secret", SLACK_SECRET)));
        // Slack's example, byte for byte, with its signature: genuine, but from 2018.
        String body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
                + "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect"
                + "&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F"
                + "96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
        hook().contentType("application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", "1531420618")
                .header("X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")
                .body(body).post("/api/v1/hooks/slack/" + trigger).then().statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:hook-signature-invalid"))
                .body("detail", containsString("5 minutes"));
        // The same body signed six minutes ago by the right secret: still a replay.
        slack(trigger, "application/x-www-form-urlencoded", body,
                String.valueOf(Instant.now().minusSeconds(360).getEpochSecond()), SLACK_SECRET).then().statusCode(401);
        assertThat(tasksOfType(type)).isZero();
        assertThat(deliveries(trigger)).extracting(d -> d.get("outcome")).containsOnly("rejected");
    }

    @Test
    void a_wrong_secret_or_a_missing_signature_is_refused_and_creates_nothing() {
        String trigger = Fixtures.unique("guarded");
        String type = Fixtures.unique("hk-guarded");
        createTrigger(taskTrigger(trigger, "slack", type, Map.of("secret", SLACK_SECRET)));
        String body = slashCommand("/deploy", "prod", "https://hooks.slack.com/commands/x");
        slack(trigger, "application/x-www-form-urlencoded", body, now(), "not-the-secret-0123456789").then()
                .statusCode(401).body("detail", containsString("does not match"));
        hook().contentType("application/x-www-form-urlencoded").body(body).post("/api/v1/hooks/slack/" + trigger)
                .then().statusCode(401).body("detail", containsString("missing"));
        hook().contentType("application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", now())
                .header("X-Slack-Signature", "v0=zz").body(body).post("/api/v1/hooks/slack/" + trigger).then()
                .statusCode(401).body("detail", containsString("malformed"));
        // A body changed after signing.
        String ts = now();
        String signature = "v0=" + hmacHex(SLACK_SECRET.getBytes(StandardCharsets.UTF_8), "v0:" + ts + ":" + body);
        hook().contentType("application/x-www-form-urlencoded").header("X-Slack-Request-Timestamp", ts)
                .header("X-Slack-Signature", signature).body(body.replace("prod", "evil"))
                .post("/api/v1/hooks/slack/" + trigger).then().statusCode(401);
        assertThat(tasksOfType(type)).isZero();
        hook().contentType("application/x-www-form-urlencoded").body(body).post("/api/v1/hooks/slack/no-such-trigger")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void slack_url_verification_is_answered_with_its_challenge() {
        String trigger = Fixtures.unique("verify");
        createTrigger(taskTrigger(trigger, "slack", Fixtures.unique("hk-verify"), Map.of("secret", SLACK_SECRET)));
        String body = "{\"token\": \"Jhj5dZrVaK7ZwHHjRyZWjbDl\", \"challenge\": "
                + "\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\", \"type\": \"url_verification\"}";
        slack(trigger, "application/json", body, now(), SLACK_SECRET).then().statusCode(200)
                .body("challenge", equalTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
    }

    @Test
    void a_slack_interaction_is_read_from_its_payload_field() {
        String trigger = Fixtures.unique("buttons");
        String type = Fixtures.unique("hk-button");
        createTrigger(taskTrigger(trigger, "slack", type, Map.of("secret", SLACK_SECRET, "match",
                Map.of("event_types", List.of("block_actions")))));
        String payload = """
                {"type": "block_actions", "trigger_id": "%s", "user": {"id": "U0BUTTON1"},
                 "channel": {"id": "C0BUTTONS"}, "team": {"id": "T0001"},
                 "response_url": "https://hooks.slack.com/actions/T0001/1/x",
                 "actions": [{"action_id": "deploy", "value": "production"}]}
                """.formatted(UUID.randomUUID());
        String task = slack(trigger, "application/x-www-form-urlencoded", form(Map.of("payload", payload)), now(),
                SLACK_SECRET).then().statusCode(200).body("outcome", equalTo("accepted")).extract().path("task_id");
        given().when().get("/api/v1/tasks/" + task).then().body("payload.text", equalTo("production"))
                .body("payload.user", equalTo("U0BUTTON1")).body("payload.channel", equalTo("C0BUTTONS"));
    }

    @Test
    void messages_from_bots_start_nothing_and_a_persons_mention_starts_a_task() {
        String trigger = Fixtures.unique("mentions");
        String type = Fixtures.unique("hk-mention");
        createTrigger(taskTrigger(trigger, "slack", type, Map.of("secret", SLACK_SECRET, "slack_app_user_id",
                "U0SELF0001", "match", Map.of("event_types", List.of("app_mention", "message")))));
        List<String> bots = List.of(
                event(UUID.randomUUID().toString(), ", \"bot_id\": \"B0001\""),
                event(UUID.randomUUID().toString(), ", \"subtype\": \"bot_message\""),
                event(UUID.randomUUID().toString(), "").replace("\"user\": \"U2147483697\"",
                        "\"user\": \"U0SELF0001\""),
                event(UUID.randomUUID().toString(), "").replace("\"user\": \"U2147483697\"",
                        "\"user\": \"U0APPUSER1\""));
        for (String body : bots) {
            slack(trigger, "application/json", body, now(), SLACK_SECRET).then().statusCode(200)
                    .body("outcome", equalTo("filtered")).body("task_id", nullValue());
        }
        assertThat(tasksOfType(type)).isZero();
        slack(trigger, "application/json", event(UUID.randomUUID().toString(), ""), now(), SLACK_SECRET).then()
                .statusCode(200).body("outcome", equalTo("accepted")).body("task_id", notNullValue());
        assertThat(tasksOfType(type)).isEqualTo(1);
        assertThat(deliveries(trigger)).extracting(d -> d.get("outcome")).containsExactly("accepted", "filtered",
                "filtered", "filtered", "filtered");
        assertThat(deliveries(trigger).get(1).get("reason").toString()).contains("from a bot");
    }

    @Test
    void a_cel_condition_over_the_event_decides_which_events_start_work() {
        String trigger = Fixtures.unique("conditional");
        String type = Fixtures.unique("hk-conditional");
        createTrigger(taskTrigger(trigger, "slack", type, Map.of("secret", SLACK_SECRET, "match", Map.of(
                "condition", "event.text.contains('deploy') && event.user != 'U0INTERN1'"))));
        slack(trigger, "application/json", event(UUID.randomUUID().toString(), ""), now(), SLACK_SECRET).then()
                .statusCode(200).body("outcome", equalTo("accepted"));
        slack(trigger, "application/json", event(UUID.randomUUID().toString(), "").replace("deploy staging",
                "lunch?"), now(), SLACK_SECRET).then().statusCode(200).body("outcome", equalTo("filtered"));
        slack(trigger, "application/json", event(UUID.randomUUID().toString(), "").replace("U2147483697",
                "U0INTERN1"), now(), SLACK_SECRET).then().statusCode(200).body("outcome", equalTo("filtered"));
        assertThat(tasksOfType(type)).isEqualTo(1);
        assertThat(deliveries(trigger).getFirst().get("reason").toString()).contains("condition is false");
        given().contentType(ContentType.JSON).body(taskTrigger(Fixtures.unique("bad-condition"), "github", type,
                Map.of("match", Map.of("condition", "event.text.contains(")))).when().post("/api/v1/triggers")
                .then().statusCode(400).body("field", equalTo("match.condition"));
    }

    @Test
    void slack_retries_of_one_event_create_its_work_once_even_when_they_race() throws Exception {
        String trigger = Fixtures.unique("retried");
        String type = Fixtures.unique("hk-retry");
        createTrigger(taskTrigger(trigger, "slack", type, Map.of("secret", SLACK_SECRET)));
        int rounds = 10;
        for (int round = 0; round < rounds; round++) {
            String body = event("Ev" + UUID.randomUUID().toString().replace("-", ""), "");
            List<Callable<Response>> copies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int retry = i;
                copies.add(() -> {
                    String ts = now();
                    String signature = "v0=" + hmacHex(SLACK_SECRET.getBytes(StandardCharsets.UTF_8),
                            "v0:" + ts + ":" + body);
                    return hook().contentType("application/json").header("X-Slack-Request-Timestamp", ts)
                            .header("X-Slack-Signature", signature).header("X-Slack-Retry-Num", retry)
                            .header("X-Slack-Retry-Reason", "http_timeout").body(body)
                            .post("/api/v1/hooks/slack/" + trigger);
                });
            }
            List<String> outcomes = new ArrayList<>();
            for (Future<Response> f : RACERS.invokeAll(copies)) {
                Response r = f.get();
                assertThat(r.statusCode()).isEqualTo(200);
                outcomes.add(r.path("outcome"));
            }
            assertThat(outcomes).as("round " + round).containsOnlyOnce("accepted").containsOnly("accepted",
                    "duplicate");
        }
        assertThat(tasksOfType(type)).isEqualTo(rounds);
    }

    @Test
    void over_the_triggers_rate_limit_the_hook_answers_429() {
        String trigger = Fixtures.unique("limited");
        String type = Fixtures.unique("hk-limited");
        createTrigger(taskTrigger(trigger, "slack", type, Map.of("secret", SLACK_SECRET, "rate_limit",
                Map.of("max_requests", 3, "window_seconds", 3600))));
        for (int i = 0; i < 3; i++) {
            slack(trigger, "application/json", event(UUID.randomUUID().toString(), ""), now(), SLACK_SECRET).then()
                    .statusCode(200).body("outcome", equalTo("accepted"));
        }
        Response refused = slack(trigger, "application/json", event(UUID.randomUUID().toString(), ""), now(),
                SLACK_SECRET);
        refused.then().statusCode(429).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:rate-limited")).body("detail", containsString("at most 3"));
        assertThat(Long.parseLong(refused.getHeader("Retry-After"))).isPositive();
        assertThat(tasksOfType(type)).isEqualTo(3);
        assertThat(deliveries(trigger).getFirst().get("reason").toString()).contains("rate limited");
    }

    @Test
    void a_result_goes_to_the_events_thread_with_the_bot_token_and_a_failed_post_is_retried() throws Exception {
        String trigger = Fixtures.unique("threaded");
        String type = Fixtures.unique("hk-thread");
        createTrigger(taskTrigger(trigger, "slack", type, Map.of("secret", SLACK_SECRET, "reply", true,
                "slack_bot_token", "xoxb-0000-test-token")));
        String task = slack(trigger, "application/json", event(UUID.randomUUID().toString(), ""), now(),
                SLACK_SECRET).then().statusCode(200).extract().path("task_id");
        slack.failNext(1);
        String bot = Fixtures.registerBot(Fixtures.unique("threader"), type);
        Fixtures.heartbeat(bot);
        Fixtures.assign(task, bot);
        given().contentType(ContentType.JSON).body("{\"attempt\": 1, \"result\": {\"url\": \"https://staging\"}}")
                .when().post("/api/v1/tasks/" + task + "/complete").then().statusCode(200);

        SlackStandIn.Received first = slack.next(Duration.ofSeconds(15));
        SlackStandIn.Received second = slack.next(Duration.ofSeconds(15));
        assertThat(first).isNotNull();
        assertThat(second).as("tried again after Slack's 503").isNotNull();
        assertThat(second.path()).isEqualTo("/api/chat.postMessage");
        assertThat(second.authorization()).isEqualTo("Bearer xoxb-0000-test-token");
        assertThat(second.body()).contains("\"channel\":\"C2147483705\"")
                .contains("\"thread_ts\":\"1700000000.000100\"")
                .contains(task);
        until(() -> "sent".equals(deliveries(trigger).getFirst()
                .get("reply_state")));
        assertThat(deliveries(trigger).getFirst().get("reply_attempts")).isEqualTo(2);
    }

    // --- GitHub and Standard Webhooks ---------------------------------------------------------------------------

    @Test
    void githubs_documented_signature_is_accepted_and_a_repeated_delivery_starts_nothing() {
        String trigger = Fixtures.unique("pushes");
        String type = Fixtures.unique("hk-push");
        createTrigger(taskTrigger(trigger, "github", type, Map.of("secret", GITHUB_SECRET)));
        // GitHub's documented example: this secret and body give this signature.
        assertThat("sha256=" + hmacHex(GITHUB_SECRET.getBytes(StandardCharsets.UTF_8), "Hello, World!"))
                .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
        String body = "{\"ref\": \"refs/heads/main\", \"repository\": {\"full_name\": \"acme/storefront\"}, "
                + "\"sender\": {\"login\": \"octocat\", \"type\": \"User\"}, \"head_commit\": {\"message\": "
                + "\"release 2.4\"}}";
        String signature = "sha256=" + hmacHex(GITHUB_SECRET.getBytes(StandardCharsets.UTF_8), body);
        String delivery = UUID.randomUUID().toString();
        Map<String, Double> before = WorkMetricsTest.scrape();
        String task = hook().contentType("application/json").header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", delivery).header("X-Hub-Signature-256", signature).body(body)
                .post("/api/v1/hooks/" + trigger).then().statusCode(200).body("outcome", equalTo("accepted"))
                .extract().path("task_id");
        given().when().get("/api/v1/tasks/" + task).then().body("payload.channel", equalTo("acme/storefront"))
                .body("payload.text", equalTo("release 2.4")).body("payload.user", equalTo("octocat"));
        hook().contentType("application/json").header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", signature).body(body).post("/api/v1/hooks/" + trigger).then()
                .statusCode(200).body("outcome", equalTo("duplicate"));
        hook().contentType("application/json").header("X-GitHub-Event", "push").body(body)
                .post("/api/v1/hooks/" + trigger).then().statusCode(401);
        hook().contentType("application/json").header("X-GitHub-Event", "push").header("X-Hub-Signature-256",
                "sha256=" + hmacHex("wrong-secret-000000".getBytes(StandardCharsets.UTF_8), body)).body(body)
                .post("/api/v1/hooks/" + trigger).then().statusCode(401);
        assertThat(tasksOfType(type)).isEqualTo(1);
        // Every answer is counted by its outcome.
        Map<String, Double> after = WorkMetricsTest.scrape();
        for (var expected : Map.of("accepted", 1.0, "duplicate", 1.0, "hook-signature-invalid", 2.0).entrySet()) {
            String labels = "outcome=\"" + expected.getKey() + "\",source=\"webhook\"";
            assertThat(WorkMetricsTest.value(after, "clawbot_hook_deliveries_total", labels)
                    - WorkMetricsTest.value(before, "clawbot_hook_deliveries_total", labels)).as(labels)
                    .isEqualTo(expected.getValue());
        }
        // A GitHub trigger is not reached by the Slack path, nor a Slack trigger by the generic one.
        hook().contentType("application/json").body(body).post("/api/v1/hooks/slack/" + trigger).then()
                .statusCode(404);
    }

    @Test
    void standard_webhooks_with_a_generated_secret_replay_window_and_id_deduplication() {
        String trigger = Fixtures.unique("standard");
        String type = Fixtures.unique("hk-standard");
        String secret = given().contentType(ContentType.JSON).body(taskTrigger(trigger, "standard_webhooks", type,
                Map.of())).when().post("/api/v1/triggers").then().statusCode(201).extract().path("secret");
        assertThat(secret).startsWith("whsec_");
        given().when().get("/api/v1/triggers/" + trigger).then().statusCode(200)
                .body(not(containsString(secret.substring(6)))).body("hook_path", equalTo("/api/v1/hooks/" + trigger));
        byte[] key = Base64.getDecoder().decode(secret.substring(6));
        String body = "{\"type\": \"deploy.requested\", \"timestamp\": \"2026-12-01T10:00:00Z\", \"data\": "
                + "{\"text\": \"ship it\", \"user\": \"ci\"}}";
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        String ts = now();
        String signature = "v1," + Base64.getEncoder().encodeToString(hmac(key, (id + "." + ts + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
        hook().contentType("application/json").header("webhook-id", id).header("webhook-timestamp", ts)
                .header("webhook-signature", "v1,bm90LXRoaXMtb25l " + signature).body(body)
                .post("/api/v1/hooks/" + trigger).then().statusCode(200).body("outcome", equalTo("accepted"));
        hook().contentType("application/json").header("webhook-id", id).header("webhook-timestamp", ts)
                .header("webhook-signature", signature).body(body).post("/api/v1/hooks/" + trigger).then()
                .statusCode(200).body("outcome", equalTo("duplicate"));
        String old = String.valueOf(Instant.now().minusSeconds(600).getEpochSecond());
        String oldSignature = "v1," + Base64.getEncoder().encodeToString(hmac(key, (id + "2." + old + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
        hook().contentType("application/json").header("webhook-id", id + "2").header("webhook-timestamp", old)
                .header("webhook-signature", oldSignature).body(body).post("/api/v1/hooks/" + trigger).then()
                .statusCode(401).body("detail", containsString("5 minutes"));
        given().when().get("/api/v1/tasks?type=" + type).then().body("[0].payload.text", equalTo("ship it"));
        assertThat(tasksOfType(type)).isEqualTo(1);
    }

    @Test
    void a_rotated_secret_overlaps_with_the_one_it_replaces_until_told_otherwise() {
        String trigger = Fixtures.unique("rotated");
        String type = Fixtures.unique("hk-rotated");
        createTrigger(taskTrigger(trigger, "github", type, Map.of("secret", "first-secret-0123456789")));
        given().contentType(ContentType.JSON).body(Map.of("secret", "second-secret-0123456789", "overlap_seconds",
                3600)).when().post("/api/v1/triggers/" + trigger + "/secret").then().statusCode(200)
                .body("secret", nullValue()).body("trigger.previous_secret_valid_until", notNullValue());
        assertThat(github(trigger, "first-secret-0123456789")).isEqualTo(200);
        assertThat(github(trigger, "second-secret-0123456789")).isEqualTo(200);
        given().contentType(ContentType.JSON).body(Map.of("overlap_seconds", 0)).when()
                .post("/api/v1/triggers/" + trigger + "/secret").then().statusCode(200)
                .body("secret", notNullValue()).body("trigger.previous_secret_valid_until", nullValue());
        assertThat(github(trigger, "first-secret-0123456789")).isEqualTo(401);
        assertThat(github(trigger, "second-secret-0123456789")).isEqualTo(401);
        String listed = given().when().get("/api/v1/triggers").then().statusCode(200).extract().asString();
        assertThat(listed).doesNotContain("second-secret").doesNotContain("first-secret");
    }

    private static int github(String trigger, String secret) {
        String body = "{\"zen\": \"Keep it logically awesome.\", \"hook_id\": 1}";
        return hook().contentType("application/json").header("X-GitHub-Event", "ping")
                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", "sha256=" + hmacHex(secret.getBytes(StandardCharsets.UTF_8), body))
                .body(body).post("/api/v1/hooks/" + trigger).statusCode();
    }

    // --- bad input ----------------------------------------------------------------------------------------------

    @Test
    void bad_configuration_is_refused_with_the_field_named() {
        Map<String, Object> good = taskTrigger(Fixtures.unique("bad"), "github", "hk-bad", Map.of());
        assertField(with(good, "match", Map.of("text_pattern", "([a-z")), "match.text_pattern");
        assertField(with(good, "source", "smtp"), "source");
        assertField(with(good, "name", "Has Spaces"), "name");
        assertField(with(good, "template", Map.of("priority", "high")), "template.priority");
        assertField(with(with(good, "source", "slack"), "secret", null), "secret");
        assertField(with(good, "reply", true), "reply");
        assertField(with(good, "secret", "short"), "secret");
        assertField(with(with(good, "source", "standard_webhooks"), "secret", "whsec_notbase64!!!!!!!!"), "secret");
        assertField(with(with(good, "target", "definition"), "template", Map.of("name", "no-such-definition")),
                "template.name");
        assertField(with(with(good, "target", "workflow"), "template", Map.of("definition", Map.of("steps",
                List.of(Map.of("id", "a", "type", "t", "params", Map.of("x", "${event.text}")))))),
                "template.definition.steps");
    }

    @Test
    void an_unreadable_body_is_refused_after_its_signature_and_creates_nothing() {
        String trigger = Fixtures.unique("unreadable");
        String type = Fixtures.unique("hk-unreadable");
        createTrigger(taskTrigger(trigger, "slack", type, Map.of("secret", SLACK_SECRET)));
        slack(trigger, "application/json", "{\"type\": \"event_callback\", ", now(), SLACK_SECRET).then()
                .statusCode(400).contentType("application/problem+json");
        slack(trigger, "application/json", "[1, 2]", now(), SLACK_SECRET).then().statusCode(400);
        slack(trigger, "application/x-www-form-urlencoded", "command=%2Fx&text=a%00b", now(), SLACK_SECRET).then()
                .statusCode(400).body("detail", containsString("NUL"));
        slack(trigger, "application/x-www-form-urlencoded", "text=no-command", now(), SLACK_SECRET).then()
                .statusCode(400);
        assertThat(tasksOfType(type)).isZero();
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new java.util.LinkedHashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private static void assertField(Map<String, Object> body, String field) {
        Map<String, Object> named = with(body, "name", body.get("name").equals("Has Spaces")
                ? "Has Spaces"
                : Fixtures.unique("bad"));
        given().contentType(ContentType.JSON).body(named).when().post("/api/v1/triggers").then().statusCode(400)
                .contentType("application/problem+json").body("field", startsWith(field));
    }

    private static org.hamcrest.Matcher<String> startsWith(String prefix) {
        return org.hamcrest.Matchers.startsWith(prefix);
    }
}
