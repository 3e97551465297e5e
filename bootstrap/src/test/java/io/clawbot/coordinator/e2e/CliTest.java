package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clawbot.cli.Clawbot;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code clawbot} command driven through its main entry ({@link Clawbot#run}) against the running service:
 * what it prints, in tables and as JSON, and the exit codes scripts rely on.
 */
@QuarkusTest
@TestProfile(CliTest.FastWatch.class)
class CliTest {

    /** Streams and waits see changes within 100 ms. */
    public static class FastWatch implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("coordinator.watch.interval", "100ms");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    private Map<String, String> env;

    record Result(int code, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + out + "\nerr: " + err, e);
            }
        }
    }

    @BeforeEach
    void environment() {
        env = new HashMap<>();
        env.put("CLAWBOT_URL", url());
        env.put("CLAWBOT_KEY", AsAdmin.key());
        env.put("CLAWBOT_CONFIG", home.resolve("profiles.json").toString());
    }

    private static String url() {
        return "http://localhost:" + System.getProperty("quarkus.http.test-port", "8081");
    }

    private Result cli(String... args) {
        return cliWith(env, "", args);
    }

    private static Result cliWith(Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Clawbot.run(env, new BufferedReader(new StringReader(stdin)), new PrintWriter(out),
                new PrintWriter(err), false, args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void submit_with_wait_follows_the_task_to_its_end_and_the_exit_code_says_how_it_ended() throws Exception {
        String type = Fixtures.unique("cli");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("cli-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            CompletableFuture<Void> working = bot.work(1, true);
            Result done = cli("submit", type, "--payload", "{\"repo\": \"app\"}", "--set", "n=3", "--set",
                    "build.flags=[\"-x\"]", "--set", "note=hello world", "--wait", "-o", "json");
            assertThat(done.code()).as(done.err()).isZero();
            JsonNode task = done.json();
            assertThat(task.path("status").asText()).isEqualTo("completed");
            JsonNode payload = JSON.readTree("{\"repo\": \"app\", \"n\": 3, \"build\": {\"flags\": [\"-x\"]},"
                    + " \"note\": \"hello world\"}");
            assertThat(task.path("payload")).isEqualTo(payload);
            assertThat(task.path("result").path("echo")).isEqualTo(payload);
            assertThat(done.err()).contains("pending -> assigned", "progress 50% halfway");
            working.get(10, TimeUnit.SECONDS);

            working = bot.work(1, false);
            Result failed = cli("submit", type, "--max-attempts", "1", "--wait");
            assertThat(failed.code()).as(failed.out() + failed.err()).isEqualTo(1);
            assertThat(failed.out()).contains("status:", "failed", "error_code:", "bad_input");
            working.get(10, TimeUnit.SECONDS);
            String failedId = line(failed.out(), "id:");

            Result letters = cli("dead-letters", "--type", type);
            assertThat(letters.code()).isZero();
            assertThat(letters.out()).startsWith("ID").contains(failedId, "bad_input");
            Result redriven = cli("tasks", "redrive", failedId);
            assertThat(redriven.code()).as(redriven.err()).isZero();
            assertThat(redriven.out()).contains("redriven " + failedId + " (pending)");
            working = bot.work(1, true);
            Result again = cli("tasks", "get", failedId, "--wait", "--wait-timeout", "20");
            assertThat(again.code()).as(again.err()).isZero();
            assertThat(line(again.out(), "status:")).isEqualTo("completed");
            working.get(10, TimeUnit.SECONDS);

            Result history = cli("tasks", "events", failedId);
            assertThat(history.out().lines().skip(1)).extracting(l -> l.split("\\s+")[3])
                    .startsWith("pending", "assigned", "in_progress", "failed", "pending");
        }
    }

    @Test
    void waiting_for_a_task_no_bot_takes_ends_with_exit_code_6_and_explain_and_cancel_tell_and_end_it() {
        String type = Fixtures.unique("cli-idle");
        Result waited = cli("submit", type, "--wait", "--wait-timeout", "1");
        assertThat(waited.code()).as(waited.err()).isEqualTo(6);
        assertThat(waited.err()).contains("is still pending after 1 s");

        String id = cli("tasks", "ls", "--type", type, "-o", "json").json().path(0).path("id").asText();
        Result explained = cli("tasks", "explain", id);
        assertThat(explained.out()).contains("Task " + id + " is pending", "[no_bot_registered]");
        Result cancelled = cli("tasks", "cancel", id, "--reason", "not needed");
        assertThat(cancelled.code()).isZero();
        assertThat(line(cancelled.out(), "status:")).isEqualTo("cancelled");
        Result listed = cli("tasks", "ls", "--type", type);
        assertThat(listed.out().lines()).hasSize(2);
        assertThat(listed.out().lines().skip(1).findFirst().orElseThrow()).startsWith(id).contains("cancelled");
        assertThat(cli("tasks", "ls", "--type", type, "--offset", "1").out().lines()).hasSize(1);
        assertThat(cli("tasks", "ls", "--limit", "0").code()).isEqualTo(2);
    }

    @Test
    void submit_states_a_concurrency_key_a_fairness_key_and_a_rate_limit_key_taken_from_the_payload() {
        String type = Fixtures.unique("cli-keys");
        Result submitted = cli("submit", type, "--set", "customer=acme", "--concurrency-key",
                "customer:${payload.customer}", "--max-concurrency", "2", "--fairness-key",
                "tenant:${payload.customer}",
                "--fairness-weight", "3", "--rate-limit-key", "api:${payload.customer}", "--rate-per-second", "0.5",
                "--rate-burst", "2", "-o", "json");
        assertThat(submitted.code()).as(submitted.err()).isZero();
        assertThat(submitted.json().path("rate_limit_key").asText()).isEqualTo("api:acme");
        assertThat(submitted.json().path("rate_per_second").asDouble()).isEqualTo(0.5);
        assertThat(submitted.json().path("rate_burst").asInt()).isEqualTo(2);
        assertThat(submitted.json().path("concurrency_key").asText()).isEqualTo("customer:acme");
        assertThat(submitted.json().path("max_concurrency").asInt()).isEqualTo(2);
        assertThat(submitted.json().path("fairness_key").asText()).isEqualTo("tenant:acme");
        assertThat(submitted.json().path("fairness_weight").asInt()).isEqualTo(3);

        Result refused = cli("submit", type, "--fairness-weight", "3");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err().lines()).singleElement().asString().contains("fairness_key").endsWith("(400)");
    }

    @Test
    void errors_are_one_line_with_exit_codes_scripts_can_trust() {
        Result unknown = cli("tasks", "get", "01a2419b-e095-7ef4-9d51-57d58cf56c6c");
        assertThat(unknown.code()).isEqualTo(4);
        assertThat(unknown.err().lines()).singleElement().asString().startsWith("clawbot: ").endsWith("(404)");

        Result notAnId = cli("tasks", "get", "42");
        assertThat(notAnId.code()).isEqualTo(2);
        assertThat(notAnId.err()).isEqualTo("clawbot: not a task id (a UUID): 42\n");

        Result badOption = cli("tasks", "ls", "--colour");
        assertThat(badOption.code()).isEqualTo(2);
        assertThat(badOption.err()).contains("Unknown option: '--colour'");

        Result refused = cli("submit", Fixtures.unique("cli"), "--priority", "1000000");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err().lines()).singleElement().asString().contains("priority").endsWith("(400)");

        Result notJson = cli("submit", "echo", "--payload", "{oops");
        assertThat(notJson.code()).isEqualTo(2);
        assertThat(notJson.err()).startsWith("clawbot: --payload is not JSON");

        Map<String, String> wrongKey = new HashMap<>(env);
        wrongKey.put("CLAWBOT_KEY", "cbk_not_a_key");
        Result refusedKey = cliWith(wrongKey, "", "status");
        assertThat(refusedKey.code()).isEqualTo(3);
        assertThat(refusedKey.err()).endsWith("(401)\n");

        Map<String, String> noKey = new HashMap<>(env);
        noKey.remove("CLAWBOT_KEY");
        Result missing = cliWith(noKey, "", "status");
        assertThat(missing.code()).isEqualTo(3);
        assertThat(missing.err()).startsWith("clawbot: no API key");

        Result unreachable = cli("--url", "http://127.0.0.1:9", "status");
        assertThat(unreachable.code()).isEqualTo(5);
        assertThat(unreachable.err()).startsWith("clawbot: cannot reach the coordinator at http://127.0.0.1:9");

        Result help = cli("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("submit", "workflows", "Exit codes: 0 ok");
    }

    @Test
    void status_watch_and_tables_read_the_fleet() {
        Result status = cli("status");
        assertThat(status.code()).as(status.err()).isZero();
        assertThat(status.out()).contains("Tasks", "  pending ", "Bots", "  online ");
        JsonNode json = cli("status", "-o", "json").json();
        assertThat(json.path("tasks").has("pending")).isTrue();

        Result watched = cli("watch", "--count", "2", "--interval", "0.2");
        assertThat(watched.code()).as(watched.err()).isZero();
        assertThat(watched.out().split("Throughput: ", -1)).hasSize(3);

        Result tooFast = cli("watch", "--interval", "0.01");
        assertThat(tooFast.code()).isEqualTo(2);
    }

    @Test
    void a_yaml_workflow_runs_with_input_and_its_steps_are_drawn_as_a_tree() throws Exception {
        String type = Fixtures.unique("cli-wf");
        Path yaml = home.resolve("fan.yaml");
        Files.writeString(yaml, """
                name: "cli-fan"
                steps:
                  - id: "split"
                    type: "%s"
                    params: {region: "${input.region}"}
                  - id: "left"
                    type: "%s"
                    depends_on: "split"
                  - id: "right"
                    type: "%s"
                    depends_on: "split"
                  - id: "join"
                    type: "%s"
                    depends_on: ["left", "right"]
                """.formatted(type, type, type, type));
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("cli-wf-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            CompletableFuture<Void> working = bot.work(4, true);
            Result run = cli("workflows", "run", yaml.toString(), "--set", "region=north", "--wait",
                    "--wait-timeout", "30");
            assertThat(run.code()).as(run.out() + run.err()).isZero();
            working.get(10, TimeUnit.SECONDS);
            List<String> lines = run.out().lines().toList();
            assertThat(lines.get(0)).startsWith("Workflow ").endsWith(" cli-fan: completed");
            assertThat(lines.get(1)).startsWith("split  [completed]  " + type);
            assertThat(lines.get(2)).startsWith("├── left  [completed]");
            assertThat(lines.get(3)).startsWith("│   └── join  [completed]").contains("(after left, right)");
            assertThat(lines.get(4)).startsWith("└── right  [completed]");
            assertThat(lines.get(5)).isEqualTo("    └── join (see above)");

            String id = lines.get(0).split(" ")[1];
            JsonNode withTasks = cli("workflows", "get", id, "-o", "json").json();
            assertThat(withTasks.path("tasks").path(0).path("payload")).isEqualTo(JSON.readTree(
                    "{\"region\": \"north\"}"));
            assertThat(cli("workflows", "ls", "--status", "completed").out()).contains(id);

            Result duplicate = cli("workflows", "run", yaml.toString(), "--input", "{\"a\": 1}", "--set", "b=2");
            assertThat(duplicate.code()).as(duplicate.err()).isZero();
            Path withInput = home.resolve("with-input.yaml");
            Files.writeString(withInput, Files.readString(yaml) + "input: {region: south}\n");
            Result both = cli("workflows", "run", withInput.toString(), "--set", "region=west");
            assertThat(both.code()).isEqualTo(2);
            assertThat(both.err()).contains("has its own top-level input:");
            assertThat(cli("workflows", "run", "no-such-file.yaml").code()).isEqualTo(2);
        }
    }

    @Test
    void a_stored_definition_runs_by_name_and_schedules_show_their_next_fire_times() throws Exception {
        String type = Fixtures.unique("cli-def");
        String name = Fixtures.unique("cli-def");
        given().contentType(ContentType.JSON).body(Map.of("name", name, "definition", Map.of("name", name, "steps",
                List.of(Map.of("id", "only", "type", type, "params", Map.of("who", "${input.who}"))))))
                .when().post("/api/v1/workflow-definitions").then().statusCode(201);
        assertThat(cli("definitions").out()).contains(name);
        assertThat(cli("definitions", "get", name).json().toString()).contains("${input.who}");

        var creds = Fixtures.registerBotWithToken(Fixtures.unique("cli-def-bot"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            CompletableFuture<Void> working = bot.work(1, true);
            Result run = cli("workflows", "run", name, "--set", "who=ops", "--wait", "--wait-timeout", "30");
            assertThat(run.code()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("only  [completed]  " + type);
            working.get(10, TimeUnit.SECONDS);
        }
        assertThat(cli("workflows", "run", Fixtures.unique("no-such-definition")).code()).isEqualTo(4);

        String schedule = given().contentType(ContentType.JSON).body(Map.of("name", Fixtures.unique("cli-nightly"),
                "cron", "0 2 * * *", "time_zone", "UTC", "template", Map.of("type", type), "enabled", false))
                .when().post("/api/v1/schedules").then().statusCode(201).extract().path("id");
        assertThat(cli("schedules").out()).contains(schedule, "0 2 * * *");
        Result enabled = cli("schedules", "enable", schedule);
        assertThat(enabled.out()).contains("enabled true, next fire ");
        Result shown = cli("schedules", "get", schedule, "--count", "3");
        assertThat(shown.out()).contains("next fire times:");
        assertThat(shown.out().lines().filter(l -> l.matches("  \\d{4}-.*T02:00.*"))).hasSize(3);
        assertThat(cli("schedules", "disable", schedule).out()).contains("enabled false");
    }

    /** A bot failing every task of a type is quarantined for it (at the default rules: five outcomes). */
    @Test
    void a_bot_s_health_shows_its_quarantine_and_release_ends_it() throws Exception {
        String type = Fixtures.unique("cli-flaky");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("cli-flaky-bot"), type);
        io.clawbot.coordinator.botclient.BotClient bot = io.clawbot.coordinator.botclient.BotClient.builder()
                .uri(java.net.URI.create(TestBot.uri(null).toString())).token(creds.token()).slots(1)
                .handler(task -> {
                    throw new io.clawbot.coordinator.botclient.TaskFailure("broken", "always fails");
                }).build();
        try {
            bot.start().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 6; i++) {
                given().contentType(ContentType.JSON).body(Map.of("type", type, "retry", Map.of("max_attempts", 1)))
                        .when().post("/api/v1/tasks").then().statusCode(201);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Result health = cli("bots", "health", creds.id());
            while (!health.out().contains("true") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                health = cli("bots", "health", creds.id());
            }
            assertThat(health.out().lines().skip(1)).singleElement().asString().startsWith(type)
                    .contains("true", "fell under 0.5");
            Result released = cli("bots", "release", creds.id(), type, "-o", "json");
            assertThat(released.code()).as(released.err()).isZero();
            assertThat(released.json().path("quarantined").asBoolean()).isFalse();
            assertThat(released.json().path("quarantines").asInt()).isEqualTo(1);
        } finally {
            bot.close();
        }
        assertThat(cli("bots", "release", creds.id(), Fixtures.unique("never")).code()).isEqualTo(4);
    }

    @Test
    void bots_are_registered_drained_resumed_and_given_new_tokens() {
        String type = Fixtures.unique("cli-bots");
        Result registered = cli("bots", "register", Fixtures.unique("cli-b"), "--capability", type, "-o", "json");
        assertThat(registered.code()).as(registered.err()).isZero();
        String id = registered.json().path("id").asText();
        String token = registered.json().path("token").asText();
        try (TestBot bot = TestBot.connect(token)) {
            Result listed = cli("bots", "ls", "--capability", type);
            assertThat(listed.out().lines().skip(1)).singleElement().asString().startsWith(id).contains("online");
            assertThat(line(cli("bots", "drain", id).out(), "status:")).isEqualTo("busy");
            assertThat(line(cli("bots", "resume", id).out(), "status:")).isEqualTo("online");
            Result rotated = cli("bots", "rotate-token", id);
            assertThat(rotated.out().strip()).startsWith("cbt_").isNotEqualTo(token);
        }
        assertThat(cli("bots", "get", id).out()).contains("capabilities:", type);
    }

    @Test
    void a_type_is_paused_listed_and_resumed() {
        String type = Fixtures.unique("cli-paused");
        Result paused = cli("policies", "pause", type, "--reason", "maintenance window");
        assertThat(paused.code()).as(paused.err()).isZero();
        assertThat(line(paused.out(), "paused:")).isEqualTo("true");
        assertThat(line(paused.out(), "pause_reason:")).isEqualTo("maintenance window");
        assertThat(cli("policies").out().lines()).anySatisfy(row -> assertThat(row).startsWith(type)
                .contains("true", "maintenance window"));
        Result resumed = cli("policies", "resume", type, "-o", "json");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.json().path("paused").asBoolean()).isFalse();
        assertThat(cli("policies", "pause", "no spaces allowed").code()).isNotZero();
    }

    @Test
    void a_concurrency_key_is_paused_limited_listed_resumed_and_given_back_its_limit() {
        String key = Fixtures.unique("cli customer/42");
        Result paused = cli("policies", "keys", "pause", key, "--reason", "customer asked");
        assertThat(paused.code()).as(paused.err()).isZero();
        assertThat(line(paused.out(), "paused:")).isEqualTo("true");
        Result limited = cli("policies", "keys", "limit", key, "3", "-o", "json");
        assertThat(limited.code()).as(limited.err()).isZero();
        assertThat(limited.json().path("max_concurrency").asInt()).isEqualTo(3);
        assertThat(limited.json().path("key").asText()).isEqualTo(key);
        assertThat(cli("policies", "keys").out().lines()).anySatisfy(row -> assertThat(row).startsWith(key)
                .contains("true", "3", "customer asked"));
        assertThat(line(cli("policies", "keys", "resume", key).out(), "paused:")).isEqualTo("false");
        Result cleared = cli("policies", "keys", "clear-limit", key, "-o", "json");
        assertThat(cleared.code()).as(cleared.err()).isZero();
        assertThat(cleared.json().path("max_concurrency").isMissingNode() || cleared.json().path("max_concurrency")
                .isNull()).isTrue();
        assertThat(cli("policies", "keys", "limit", key, "0").code()).isNotZero();
    }

    @Test
    void keys_confine_what_the_cli_may_do_and_a_revoked_key_stops_at_once() {
        Result created = cli("keys", "create", Fixtures.unique("cli-reader"), "--role", "reader", "-o", "json");
        assertThat(created.code()).as(created.err()).isZero();
        String reader = created.json().path("key").asText();
        String id = created.json().path("id").asText();
        assertThat(cli("keys", "ls", "--limit", "500").out()).contains(id);

        Map<String, String> asReader = new HashMap<>(env);
        asReader.put("CLAWBOT_KEY", reader);
        assertThat(cliWith(asReader, "", "status").code()).isZero();
        Result whoami = cliWith(asReader, "", "whoami");
        assertThat(whoami.code()).isZero();
        assertThat(whoami.out()).contains("(reader) at " + url()).contains("may: read only");
        Result forbidden = cliWith(asReader, "", "submit", "echo");
        assertThat(forbidden.code()).isEqualTo(3);
        assertThat(forbidden.err()).endsWith("(403)\n");

        assertThat(cli("keys", "revoke", id).code()).isZero();
        assertThat(cliWith(asReader, "", "status").code()).isEqualTo(3);
    }

    @Test
    void login_saves_a_profile_readable_by_its_owner_and_commands_use_it() throws Exception {
        Map<String, String> bare = new HashMap<>();
        bare.put("CLAWBOT_CONFIG", env.get("CLAWBOT_CONFIG"));
        Result refused = cliWith(bare, "cbk_wrong\n", "login", "--url", url(), "--profile", "local", "--key-stdin");
        assertThat(refused.code()).isEqualTo(3);
        assertThat(Files.exists(home.resolve("profiles.json"))).isFalse();
        String botToken = Fixtures.registerBotWithToken(Fixtures.unique("cli-login-bot"), "x").token();
        Result bot = cliWith(bare, botToken + "\n", "login", "--url", url(), "--profile", "local", "--key-stdin");
        assertThat(bot.code()).isEqualTo(3);
        assertThat(bot.err()).contains("bot's token");
        assertThat(Files.exists(home.resolve("profiles.json"))).isFalse();

        Result login = cliWith(bare, AsAdmin.key() + "\n", "login", "--url", url(), "--profile", "local",
                "--key-stdin");
        assertThat(login.code()).as(login.err()).isZero();
        assertThat(login.out()).startsWith("Logged in to " + url() + " as profile local: key ")
                .contains("(admin)");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("profiles.json"))))
                .isEqualTo("rw-------");
        assertThat(cliWith(bare, "", "status").code()).isZero();

        // The key a local coordinator wrote serves a coordinator on this machine only.
        Path localKey = home.resolve("admin-key");
        Files.writeString(localKey, AsAdmin.key() + "\n");
        Map<String, String> local = new HashMap<>(Map.of("CLAWBOT_CONFIG", home.resolve("none.json").toString(),
                "CLAWBOT_LOCAL_KEY_FILE", localKey.toString(), "CLAWBOT_URL", url()));
        assertThat(cliWith(local, "", "status").code()).isZero();
        local.put("CLAWBOT_URL", url().replace("localhost", "127.0.0.2"));
        assertThat(cliWith(local, "", "status").code()).isEqualTo(3);

        Result other = cliWith(bare, AsAdmin.key() + "\n", "login", "--url", "http://localhost:" + System
                .getProperty("quarkus.http.test-port", "8081") + "/", "--profile", "second", "--key-stdin");
        assertThat(other.code()).isZero();
        JsonNode profiles = cliWith(bare, "", "profiles", "-o", "json").json();
        assertThat(profiles.path("current").asText()).isEqualTo("second");
        assertThat(profiles.path("profiles").has("local")).isTrue();
        assertThat(profiles.toString()).doesNotContain(AsAdmin.key());
        assertThat(cliWith(bare, "", "profiles", "use", "local").code()).isZero();
        assertThat(cliWith(bare, "", "--profile", "missing", "status").code()).isEqualTo(2);
        assertThat(cliWith(bare, "", "logout").out()).isEqualTo("Forgot profile local\n");
        assertThat(cliWith(bare, "", "profiles").out().lines().skip(1)).singleElement().asString()
                .startsWith("*  second ");
    }

    @Test
    void completion_scripts_cover_the_commands() {
        Result bash = cli("completion");
        assertThat(bash.code()).isZero();
        assertThat(bash.out()).contains("complete -F", "submit", "dead-letters", "rotate-token");
        assertThat(cli("completion", "zsh").out()).startsWith("autoload -U +X compinit");
        assertThat(cli("completion", "fish").code()).isEqualTo(2);
    }

    /** The value of a "name: value" line of a table's output. */
    private static String line(String out, String name) {
        return out.lines().filter(l -> l.startsWith(name)).findFirst()
                .map(l -> l.substring(name.length()).strip())
                .orElseThrow(() -> new AssertionError("no " + name + " in\n" + out));
    }
}
