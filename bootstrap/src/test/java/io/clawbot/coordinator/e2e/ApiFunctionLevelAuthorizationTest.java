package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OWASP API Security Top 10 (2023), API5 Broken Function Level Authorization: the access table of docs/access-control.md, cell by
 * cell. Every endpoint is called by every kind of caller; a caller the table allows gets anything but 401 and 403
 * (the request may still be invalid or about an unknown id), one it does not gets 403, and no credentials or a bad
 * key get 401.
 */
@QuarkusTest
class ApiFunctionLevelAuthorizationTest {

    private static final String A = "admin";
    private static final String O = "operator";
    private static final String S = "submitter";
    private static final String R = "reader";
    private static final String B = "bot";
    /** A body that starts with this is sent as YAML. */
    private static final String YAML = "yaml:";

    /** One row of the table: the endpoint and the callers it allows. */
    private record Row(String method, String path, String body, List<String> allowed) {
    }

    /** The table of docs/access-control.md. {bot} is the calling bot's own id; other ids are unknown. */
    private static final List<Row> TABLE = List.of(
            row("POST", "/api/v1/keys", "{\"name\": \"k-{n}\", \"role\": \"reader\"}", A),
            row("GET", "/api/v1/keys", null, A),
            row("GET", "/api/v1/keys/{id}", null, A),
            row("POST", "/api/v1/keys/{id}/rotate", null, A),
            row("DELETE", "/api/v1/keys/{id}", null, A),
            row("GET", "/api/v1/audit", null, A),
            row("POST", "/api/v1/bots", "{\"name\": \"b-{n}\", \"capabilities\": [\"x\"]}", A),
            row("GET", "/api/v1/bots", null, A, O, R),
            row("GET", "/api/v1/bots/available", null, A, O, R),
            row("GET", "/api/v1/bots/{id}", null, A, O, R),
            row("POST", "/api/v1/bots/{bot}/heartbeat", null, A, O, B),
            row("POST", "/api/v1/bots/{bot}/busy", null, A, O, B),
            row("POST", "/api/v1/bots/{bot}/available", null, A, O, B),
            row("GET", "/api/v1/bots/{id}/health", null, A, O, R),
            row("POST", "/api/v1/bots/{id}/health/fla/release", null, A, O),
            row("POST", "/api/v1/bots/{id}/token", null, A),
            row("DELETE", "/api/v1/bots/{id}/token", null, A),
            row("DELETE", "/api/v1/bots/{id}", null, A),
            row("POST", "/api/v1/tasks", "{\"type\": \"fla\"}", A, O, S),
            row("POST", "/api/v1/tasks/batch", "{\"tasks\": [{\"type\": \"fla\"}]}", A, O, S),
            row("GET", "/api/v1/tasks", null, A, O, R, S),
            row("GET", "/api/v1/tasks/pending", null, A, O, R, S),
            row("GET", "/api/v1/tasks/dead-letters", null, A, O, R, S),
            row("GET", "/api/v1/tasks/{id}", null, A, O, R, S),
            row("GET", "/api/v1/tasks/{id}/events", null, A, O, R, S),
            row("GET", "/api/v1/tasks/{id}/stream", null, A, O, R, S),
            row("GET", "/api/v1/tasks/{id}/explain", null, A, O, R, S),
            row("GET", "/api/v1/workflows/{id}/stream", null, A, O, R, S),
            row("GET", "/api/v1/status", null, A, O, R, S),
            // every=0 is refused after the role is checked: an allowed caller gets 400, not a stream.
            row("GET", "/api/v1/status/stream?every=0", null, A, O, R, S),
            row("GET", "/api/v1/me", null, A, O, R, S, B),
            row("POST", "/api/v1/task-types", "{\"name\": \"tt-{n}\"}", A, O),
            row("GET", "/api/v1/task-types", null, A, O, R, S),
            row("GET", "/api/v1/task-types/{n}", null, A, O, R, S),
            row("PUT", "/api/v1/task-types/{n}", "{}", A, O),
            row("DELETE", "/api/v1/task-types/none-{n}", null, A, O),
            row("GET", "/api/v1/policies", null, A, O, R),
            row("GET", "/api/v1/policies/task-types/pt-{n}", null, A, O, R),
            row("POST", "/api/v1/policies/task-types/pt-{n}/pause", "{}", A, O),
            row("POST", "/api/v1/policies/task-types/pt-{n}/resume", null, A, O),
            row("GET", "/api/v1/policies/concurrency-keys", null, A, O, R),
            row("GET", "/api/v1/policies/concurrency-keys/pk-{n}", null, A, O, R),
            row("POST", "/api/v1/policies/concurrency-keys/pk-{n}/pause", "{}", A, O),
            row("POST", "/api/v1/policies/concurrency-keys/pk-{n}/resume", null, A, O),
            row("PUT", "/api/v1/policies/concurrency-keys/pk-{n}/limit", "{\"max_concurrency\": 3}", A, O),
            row("DELETE", "/api/v1/policies/concurrency-keys/pk-{n}/limit", null, A, O),
            row("POST", "/api/v1/tasks/{id}/redrive", null, A, O),
            row("POST", "/api/v1/tasks/{id}/assign", "{\"bot_id\": \"{id}\"}", A, O),
            row("POST", "/api/v1/tasks/{id}/start", "{\"attempt\": 1}", A, O, B),
            row("POST", "/api/v1/tasks/{id}/complete", "{\"attempt\": 1}", A, O, B),
            row("POST", "/api/v1/tasks/{id}/fail", "{\"attempt\": 1, \"error\": \"e\"}", A, O, B),
            row("POST", "/api/v1/tasks/{id}/cancel", null, A, O),
            row("DELETE", "/api/v1/tasks/{id}", null, A, O),
            row("POST", "/api/v1/workflows", "{\"name\": \"w\", \"task_payloads\": [{}], \"task_type\": \"fla\"}",
                    A, O, S),
            row("GET", "/api/v1/workflows", null, A, O, R, S),
            row("GET", "/api/v1/workflows/{id}", null, A, O, R, S),
            row("GET", "/api/v1/workflows/{id}/tasks", null, A, O, R, S),
            row("POST", "/api/v1/workflows/from-yaml",
                    YAML + "workflow:\n  name: y\n  jobs:\n    - id: j\n      type: fla\n",
                    A, O, S),
            row("POST", "/api/v1/workflows/{id}/start", null, A, O, S),
            row("POST", "/api/v1/workflows/{id}/cancel", null, A, O),
            row("POST", "/api/v1/workflows/{id}/steps/gate/approve", null, A, O, S),
            row("POST", "/api/v1/workflows/{id}/steps/gate/reject", null, A, O, S),
            row("DELETE", "/api/v1/workflows/{id}", null, A, O),
            row("GET", "/api/v1/workflow-definitions", null, A, O, R, S),
            row("GET", "/api/v1/workflow-definitions/none-{n}", null, A, O, R, S),
            row("GET", "/api/v1/workflow-definitions/none-{n}/versions/{v}", null, A, O, R, S),
            row("POST", "/api/v1/workflow-definitions/none-{n}/runs", "{}", A, O, S),
            row("POST", "/api/v1/workflow-definitions/none-{n}/versions", "{}", A, O),
            row("POST", "/api/v1/workflow-definitions", "{}", A, O),
            row("GET", "/api/v1/schedules", null, A, O, R),
            row("POST", "/api/v1/schedules", "{}", A, O),
            row("POST", "/api/v1/schedules/preview", "{\"cron\": \"* * * * *\"}", A, O, R),
            row("GET", "/api/v1/schedules/{id}", null, A, O, R),
            row("PUT", "/api/v1/schedules/{id}", "{}", A, O),
            row("DELETE", "/api/v1/schedules/{id}", null, A, O),
            row("POST", "/api/v1/schedules/{id}/enable", null, A, O),
            row("POST", "/api/v1/schedules/{id}/disable", null, A, O),
            row("GET", "/api/v1/schedules/{id}/next-fire-times", null, A, O, R),
            row("POST", "/api/v1/triggers", "{\"name\": \"t-{n}\", \"source\": \"github\", \"target\": \"task\", "
                    + "\"template\": {\"type\": \"fla\"}}", A, O),
            row("GET", "/api/v1/triggers", null, A, O, R),
            row("GET", "/api/v1/triggers/none-{n}", null, A, O, R),
            row("PUT", "/api/v1/triggers/none-{n}", "{}", A, O),
            row("DELETE", "/api/v1/triggers/none-{n}", null, A, O),
            row("POST", "/api/v1/triggers/none-{n}/secret", "{}", A, O),
            row("GET", "/api/v1/triggers/none-{n}/deliveries", null, A, O, R),
            row("GET", "/api/v1/ws/connections", null, A, O, R),
            row("POST", "/api/v1/ws/broadcast/task/{id}", null, A, O));

    private final Map<String, String> secrets = new LinkedHashMap<>();
    private String botId;

    private static Row row(String method, String path, String body, String... allowed) {
        return new Row(method, path, body, List.of(allowed));
    }

    @BeforeEach
    void callers() {
        secrets.put(A, Keys.issue(A));
        secrets.put(O, Keys.issue(O));
        secrets.put(S, Keys.issue(S));
        secrets.put(R, Keys.issue(R));
        Fixtures.BotCredentials bot = Fixtures.registerBotWithToken(Fixtures.unique("fla-bot"), "fla");
        botId = bot.id();
        secrets.put(B, bot.token());
    }

    @Test
    void every_endpoint_answers_each_role_as_the_table_says() {
        List<String> wrong = new ArrayList<>();
        for (Row row : TABLE) {
            for (var caller : secrets.entrySet()) {
                int status = call(row, Keys.as(caller.getValue())).statusCode();
                boolean allowed = row.allowed().contains(caller.getKey());
                if (allowed ? status == 401 || status == 403 || status >= 500 : status != 403) {
                    wrong.add(row.method() + " " + row.path() + " as " + caller.getKey() + ": " + status
                            + (allowed ? " (allowed)" : " (should be 403)"));
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    /** The operation each action of {@code GET /me} stands for. */
    private static final Map<String, String> ACTIONS = Map.ofEntries(
            Map.entry("submit", "POST /api/v1/tasks"),
            Map.entry("cancel", "POST /api/v1/tasks/{id}/cancel"),
            Map.entry("redrive", "POST /api/v1/tasks/{id}/redrive"),
            Map.entry("drain_bots", "POST /api/v1/bots/{bot}/busy"),
            Map.entry("register_bots", "POST /api/v1/bots"),
            Map.entry("rotate_bot_tokens", "POST /api/v1/bots/{id}/token"),
            Map.entry("manage_keys", "POST /api/v1/keys"),
            Map.entry("manage_schedules", "POST /api/v1/schedules"),
            Map.entry("manage_definitions", "POST /api/v1/workflow-definitions"),
            Map.entry("pause_dispatch", "POST /api/v1/policies/task-types/pt-{n}/pause"),
            Map.entry("read_audit", "GET /api/v1/audit"));

    @Test
    void the_caller_learns_its_role_and_exactly_the_actions_the_table_allows_it() {
        for (String role : List.of(A, O, S, R)) {
            var me = Keys.as(secrets.get(role)).when().get("/api/v1/me").then().statusCode(200).extract().jsonPath();
            assertThat(me.getString("kind")).isEqualTo("key");
            assertThat(me.getString("role")).isEqualTo(role);
            assertThat(me.getBoolean("reads_all")).isEqualTo(!role.equals(S));
            List<String> expected = ACTIONS.entrySet().stream().filter(action -> TABLE.stream()
                    .filter(row -> (row.method() + " " + row.path()).equals(action.getValue())).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for " + action.getValue())).allowed()
                    .contains(role)).map(Map.Entry::getKey).sorted().toList();
            assertThat(me.getList("may", String.class)).as(role).containsExactlyInAnyOrderElementsOf(expected);
        }
        var bot = Keys.as(secrets.get(B)).when().get("/api/v1/me").then().statusCode(200).extract().jsonPath();
        assertThat(bot.getString("kind")).isEqualTo("bot");
        assertThat(bot.getString("bot_id")).isEqualTo(botId);
        assertThat(bot.getList("may")).isEmpty();
    }

    @Test
    void every_endpoint_answers_401_with_a_challenge_to_no_credentials_and_to_a_bad_key() {
        String revoked = Keys.issue(R);
        String revokedId = Database.rows("select id from api_keys where secret_hash = '"
                + io.clawbot.coordinator.domain.access.Secrets.hash(revoked) + "'").get(0).get(0).toString();
        Keys.as(secrets.get(A)).when().delete("/api/v1/keys/" + revokedId).then().statusCode(204);
        List<String> wrong = new ArrayList<>();
        for (Row row : TABLE) {
            List<RequestSpecification> callers = List.of(given().noFiltersOfType(AsAdmin.class),
                    Keys.as("cbk_" + "A".repeat(43)), Keys.as("not-a-key"), Keys.as(revoked),
                    given().header("Authorization", "Basic YWRtaW46YWRtaW4="));
            for (int i = 0; i < callers.size(); i++) {
                Response response = call(row, callers.get(i));
                if (response.statusCode() != 401 || !"application/problem+json".equals(response.contentType())
                        || !response.header("WWW-Authenticate").startsWith("Bearer")) {
                    wrong.add(row.method() + " " + row.path() + " with credentials #" + i + ": "
                            + response.statusCode());
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void the_table_covers_every_operation_of_the_api() {
        // The API document lists every operation; the public ones are / and /health, and the hooks, which a
        // signature authenticates (TriggersTest).
        var paths = given().port(ServiceApiTest.managementPort()).queryParam("format", "json").when()
                .get("/q/openapi").then().statusCode(200).extract().jsonPath()
                .<String, Map<String, Object>>getMap("paths");
        java.util.Set<String> documented = new java.util.TreeSet<>();
        paths.forEach((path, operations) -> operations.keySet().stream()
                .filter(m -> List.of("get", "post", "put", "delete", "patch").contains(m))
                .forEach(m -> documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + shape(path))));
        java.util.Set<String> tabled = new java.util.TreeSet<>();
        TABLE.forEach(row -> tabled
                .add(row.method() + " " + shape(row.path().replace("none-{n}", "{name}").replace("pt-{n}", "{type}")
                        .replace("pk-{n}", "{key}").replace("/steps/gate/", "/steps/{step}/")
                        .replace("/health/fla/", "/health/{type}/"))));
        tabled.add("GET /");
        tabled.add("GET /health");
        tabled.add("POST /api/v1/hooks/{}");
        tabled.add("POST /api/v1/hooks/slack/{}");
        assertThat(tabled).isEqualTo(documented);
    }

    /** A path with every placeholder written alike. */
    private static String shape(String path) {
        return path.replaceAll("\\?.*", "").replaceAll("\\{[^}]+}", "{}");
    }

    private Response call(Row row, RequestSpecification request) {
        String n = UUID.randomUUID().toString().substring(0, 8);
        String path = row.path().replace("{bot}", botId).replace("{id}", UUID.randomUUID().toString())
                .replace("{n}", n).replace("{v}", "1");
        if (row.body() != null && row.body().startsWith(YAML)) {
            request = request.contentType("application/yaml")
                    .body(row.body().substring(YAML.length()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } else if (row.body() != null) {
            request = request.contentType(ContentType.JSON).body(row.body().replace("{n}", n)
                    .replace("{id}", UUID.randomUUID().toString()));
        }
        return request.when().request(row.method(), path);
    }
}
