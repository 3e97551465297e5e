package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing with a generated corpus (seeded, so a failure can be replayed): at least 10,000 malformed requests across
 * every operation of the API document, and 2,000 malformed frames over a bot's socket. No answer may be a 5xx; every
 * 4xx is a problem document; and a refused request changes no row of any table.
 */
@QuarkusTest
@TestProfile(FuzzProfile.class)
class MalformedInputFuzzTest {

    private static final long SEED = Long.getLong("clawbot.fuzz.seed", 20261202L);
    private static final int REQUESTS = Integer.getInteger("clawbot.fuzz.requests", 10_000);
    private static final int FRAMES = Integer.getInteger("clawbot.fuzz.frames", 2_000);
    /** The operations that answer without a key. */
    private static final List<String> PUBLIC = List.of("/", "/health");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");

    private static final List<String> BAD_IDS = List.of("", "not-a-uuid", "%00", "..%2F..%2Fetc%2Fpasswd",
            "x".repeat(3_000), "00000000-0000-0000-0000-00000000000Z", "-1", "0", "1e309", "%E2%98%83",
            "'%20or%201=1--", "00000000-0000-0000-0000-000000000000", UUID.randomUUID().toString(), "%FF%FE",
            "null", "%7B%7D");
    private static final List<String> BAD_QUERIES = List.of("limit=-1", "limit=abc", "limit=99999999999999999999",
            "offset=-5", "offset=1e99", "status=nope", "status=", "type=%00", "type=" + "t".repeat(5_000),
            "capability=%00x", "auto_start=maybe", "count=0", "count=100000", "bot_id=zzz", "workflow_id=1",
            "version=0", "name=%00", "limit=1&limit=2", "%00=1", "from=yesterday");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json",
            "application/json", "application/json", "application/yaml", "application/xml", "text/plain",
            "application/x-www-form-urlencoded", "application/octet-stream", "application/json; charset=latin1");

    private final Random random = new Random(SEED);
    private final Map<String, String> realIds = new LinkedHashMap<>();

    @Test
    void malformed_requests_across_every_operation_get_precise_4xx_and_change_nothing() {
        fixtures();
        List<String[]> operations = operations();
        assertThat(operations).hasSizeGreaterThan(50);
        String before = fingerprint();
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String[] op = operations.get(random.nextInt(operations.size()));
            String method = op[0];
            String path = path(op[1]);
            String query = random.nextInt(10) < 3 ? "?" + pick(BAD_QUERIES) : "";
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + path + query))
                    .timeout(Duration.ofSeconds(30));
            boolean badKey = random.nextInt(20) == 0;
            request.header("Authorization", badKey
                    ? "Bearer " + pick(List.of("cbk_" + "A".repeat(43), "cbt_" + "B".repeat(43), "", "x".repeat(500),
                            "cbk_%00"))
                    : "Bearer " + AsAdmin.key());
            byte[] body = null;
            if (!method.equals("GET") && !method.equals("DELETE") || random.nextInt(10) == 0) {
                body = body();
                request.header("Content-Type", pick(CONTENT_TYPES));
            }
            request.method(method, body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<String> response;
            try {
                response = send(request.build());
            } catch (java.io.UncheckedIOException e) {
                failures.add(i + ": " + method + " " + abbreviate(path + query) + " "
                        + (body == null ? "" : abbreviate(new String(body, StandardCharsets.UTF_8)))
                        + " got no answer: " + e.getCause().getMessage());
                continue;
            }
            int status = response.statusCode();
            statuses.merge(status, 1, Integer::sum);
            String what = i + ": " + method + " " + abbreviate(path + query) + " "
                    + (body == null ? "" : abbreviate(new String(body, StandardCharsets.UTF_8))) + " -> " + status;
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            if (status >= 500) {
                failures.add(what + " " + abbreviate(response.body()));
            } else if (status >= 400 && !contentType.startsWith("application/problem+json")) {
                failures.add(what + " answered " + contentType);
            } else if (badKey && status < 400 && !PUBLIC.contains(op[1])) {
                failures.add(what + " with a bad key");
            }
            if (!method.equals("GET") && status >= 400) {
                String after = fingerprint();
                if (!after.equals(before)) {
                    failures.add(what + " changed " + before + " to " + after);
                }
                before = after;
            } else if (!method.equals("GET")) {
                before = fingerprint();
            }
        }
        System.out.printf("fuzz: %d requests (seed %d), answers by status %s%n", REQUESTS, SEED, statuses);
        assertThat(failures).as("seed " + SEED).isEmpty();
        assertThat(statuses.keySet()).allMatch(s -> s < 500);
    }

    @Test
    void malformed_frames_get_error_frames_and_change_nothing() throws Exception {
        fixtures();
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("fuzz-bot"), "fuzz-cap");
        String before = fingerprintWithoutBots();
        int answered = 0;
        List<String> failures = new ArrayList<>();
        TestBot bot = TestBot.connect(creds.token());
        try {
            for (int i = 0; i < FRAMES; i++) {
                if (random.nextInt(10) == 0) {
                    byte[] junk = new byte[random.nextInt(64) + 1];
                    random.nextBytes(junk);
                    bot.sendBinary(junk);
                } else {
                    bot.sendRaw(frame());
                }
                TestBot.Frame answer = bot.next();
                if (answer.type().equals("error") || answer.type().equals("task_ack")
                        || answer.type().equals("slots_ack")) {
                    answered++;
                } else {
                    failures.add(i + ": answered " + answer);
                }
                if ("internal_error".equals(answer.payload().get("code"))) {
                    failures.add(i + ": internal error " + answer);
                }
            }
            assertThat(bot.closed).as("the socket stays open").isNotDone();
        } finally {
            bot.close();
        }
        System.out.printf("fuzz: %d frames (seed %d), %d answered%n", FRAMES, SEED, answered);
        assertThat(failures).isEmpty();
        assertThat(answered).isEqualTo(FRAMES);
        assertThat(fingerprintWithoutBots()).isEqualTo(before);
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static String base() {
        return "http://localhost:" + System.getProperty("quarkus.http.test-port", "8081");
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<java.io.InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            String body;
            try (java.io.InputStream in = response.body()) {
                // A stream of a real task lasts until the task ends: its answer is read as far as the first line.
                if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                    body = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))
                            .readLine();
                } else {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return new Answered(response, body);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer with its body read (or, for a stream, its first line). */
    private record Answered(HttpResponse<java.io.InputStream> raw, String body) implements HttpResponse<String> {

        @Override
        public int statusCode() {
            return raw.statusCode();
        }

        @Override
        public HttpRequest request() {
            return raw.request();
        }

        @Override
        public java.util.Optional<HttpResponse<String>> previousResponse() {
            return java.util.Optional.empty();
        }

        @Override
        public java.net.http.HttpHeaders headers() {
            return raw.headers();
        }

        @Override
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return raw.sslSession();
        }

        @Override
        public URI uri() {
            return raw.uri();
        }

        @Override
        public HttpClient.Version version() {
            return raw.version();
        }
    }

    private void fixtures() {
        if (!realIds.isEmpty()) {
            return;
        }
        realIds.put("task_id", Fixtures.createTask("fuzz-other", 0));
        realIds.put("bot_id", Fixtures.registerBot(Fixtures.unique("fuzz-target"), "fuzz-none"));
        realIds.put("workflow_id", given().contentType(ContentType.JSON).body("{\"name\": \"w\", \"task_type\": "
                + "\"fuzz-other\", \"task_payloads\": [{}], \"auto_start\": false}").when().post("/api/v1/workflows")
                .then().statusCode(201).extract().path("id"));
        String definition = Fixtures.unique("fuzzdef");
        given().contentType(ContentType.JSON).body("{\"name\": \"" + definition + "\", \"definition\": {\"name\": "
                + "\"d\", \"steps\": [{\"id\": \"s\", \"type\": \"fuzz-other\"}]}}").when()
                .post("/api/v1/workflow-definitions").then().statusCode(201);
        realIds.put("name", definition);
        realIds.put("version", "1");
        realIds.put("schedule_id", given().contentType(ContentType.JSON).body("{\"name\": \"" + Fixtures.unique("fz")
                + "\", \"cron\": \"0 0 1 1 *\", \"enabled\": false, \"template\": {\"type\": \"fuzz-other\"}}")
                .when().post("/api/v1/schedules").then().statusCode(201).extract().path("id"));
        realIds.put("key_id", given().contentType(ContentType.JSON).body("{\"name\": \"" + Fixtures.unique("fz")
                + "\", \"role\": \"reader\"}").when().post("/api/v1/keys").then().statusCode(201).extract()
                .path("id"));
    }

    /** Every operation of the API document as {method, path}. */
    private static List<String[]> operations() {
        Map<String, Map<String, Object>> paths = given().port(ServiceApiTest.managementPort())
                .queryParam("format", "json").when().get("/q/openapi").then().statusCode(200).extract()
                .jsonPath().getMap("paths");
        List<String[]> out = new ArrayList<>();
        paths.forEach((path, ops) -> ops.keySet().stream()
                .filter(m -> List.of("get", "post", "put", "delete", "patch").contains(m))
                .forEach(m -> out.add(new String[]{ m.toUpperCase(Locale.ROOT), path })));
        return out;
    }

    private String path(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String real = realIds.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(real != null && random.nextInt(10) < 3
                    ? real
                    : pick(BAD_IDS)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A body that is wrong in one of many ways. */
    private byte[] body() {
        int kind = random.nextInt(17);
        if (kind == 16) {
            return randomBytes(random.nextInt(300) + 1);
        }
        return text(kind).getBytes(StandardCharsets.UTF_8);
    }

    private String text(int kind) {
        return switch (kind) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "[".repeat(random.nextInt(3_000) + 1);
            case 3 -> "{\"a\":".repeat(random.nextInt(1_500) + 1) + "1" + "}".repeat(10);
            case 4 -> "null";
            case 5 -> "{\"type\": 1, \"priority\": \"high\", \"payload\": [], \"name\": {}}";
            case 6 -> "{\"type\": \"t\", \"priority\": 1e309, \"timeout_seconds\": -1, \"owner_key_id\": \"x\"}";
            case 7 -> "{\"name\": \"a\\u0000b\", \"type\": \"\\u0000\", \"role\": \"reader\"}";
            case 8 -> "{\"type\": \"t\", \"type\": \"u\", \"unknown\": true}";
            case 9 -> randomJson(0);
            case 10 -> "workflow:\n  name: [unclosed\n  jobs: *alias\n";
            case 11 -> "<xml>" + "x".repeat(random.nextInt(100)) + "</xml>";
            case 12 -> "{\"name\": \"\uD800\", \"type\": \"\udfff\"}";
            case 13 -> "{\"definition\": {\"name\": \"d\", \"steps\": [{\"id\": \"a\", \"depends_on\": [\"a\"]}]}}";
            case 14 -> truncate("{\"name\": \"n\", \"role\": \"admin\", \"cron\": \"* * * * *\", \"template\": "
                    + "{\"type\": \"t\"}, \"definition\": {\"name\": \"x\", \"steps\": []}, \"attempt\": 1}");
            default -> "{\"s\": \"" + "s".repeat(random.nextInt(200_000)) + "\", \"n\": -9223372036854775809}";
        };
    }

    private String randomJson(int depth) {
        int kind = depth > 4 ? random.nextInt(4) : random.nextInt(6);
        return switch (kind) {
            case 0 -> Integer.toString(random.nextInt());
            case 1 -> "\"" + Integer.toHexString(random.nextInt()) + "\"";
            case 2 -> random.nextBoolean() ? "true" : "null";
            case 3 -> random.nextBoolean() ? "-0.0e-9999" : "1.5";
            case 4 -> "[" + randomJson(depth + 1) + "," + randomJson(depth + 1) + "]";
            default -> "{\"" + pick(List.of("type", "name", "payload", "priority", "role", "cron", "steps", "x"))
                    + "\": " + randomJson(depth + 1) + "}";
        };
    }

    private String truncate(String valid) {
        return valid.substring(0, random.nextInt(valid.length()));
    }

    /** A frame that is wrong in one of many ways. */
    private String frame() {
        String task = realIds.get("task_id");
        return switch (random.nextInt(14)) {
            case 0 -> "not json";
            case 1 -> "[]";
            case 2 -> "{\"payload\": {}}";
            case 3 -> "{\"type\": \"launch_missiles\", \"payload\": {}}";
            case 4 -> "{\"type\": \"task_complete\", \"payload\": {\"task_id\": \"" + task
                    + "\", \"attempt\": 1, \"success\": true, \"result\": {\"forged\": true}}}";
            case 5 -> "{\"type\": \"task_accepted\", \"payload\": {\"task_id\": \"zzz\", \"attempt\": 1}}";
            case 6 -> "{\"type\": \"task_accepted\", \"payload\": {\"task_id\": \"" + task + "\", \"attempt\": -3}}";
            case 7 -> "{\"type\": \"slots\", \"payload\": {\"slots\": " + pick(List.of("0", "100000", "\"x\"",
                    "null", "1.5")) + "}}";
            case 8 -> "{\"type\": \"task_complete\", \"payload\": {\"task_id\": \"" + UUID.randomUUID()
                    + "\", \"success\": \"yes\"}}";
            case 9 -> "{\"type\": \"task_progress\", \"payload\": {\"task_id\": \"" + task
                    + "\", \"attempt\": 1, \"progress\": [1]}}";
            case 10 -> "{\"type\": \"heartbeat\", \"payload\": {\"note\": \"\\u0000\"}}";
            case 11 -> "{\"type\": \"task_complete\", \"payload\": " + "[".repeat(2_000) + "}";
            case 12 -> "{\"type\": \"task_complete\", \"payload\": {\"task_id\": \"" + task
                    + "\", \"success\": false, \"error\": 42}}";
            default -> "{\"type\": \"task_accepted\", \"payload\": {\"task_id\": \"" + task + "\", \"attempt\": "
                    + random.nextInt(1000) + 2 + "}}";
        };
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...(" + s.length() + ")";
    }

    /** The number of rows of every table, and the sum of the versions where rows have one. */
    private static String fingerprint() {
        return fingerprint(true);
    }

    private static String fingerprintWithoutBots() {
        return fingerprint(false);
    }

    private static final Map<Boolean, String> FINGERPRINTS = new java.util.concurrent.ConcurrentHashMap<>();

    private static String fingerprint(boolean withBots) {
        String sql = FINGERPRINTS.computeIfAbsent(withBots, MalformedInputFuzzTest::fingerprintQuery);
        return Database.rows(sql).get(0).get(0).toString();
    }

    private static String fingerprintQuery(boolean withBots) {
        List<String> parts = new ArrayList<>();
        for (List<Object> table : Database.rows("select table_name from information_schema.tables "
                + "where table_schema = current_schema() and table_type = 'BASE TABLE' "
                + "and table_name <> 'flyway_schema_history' order by table_name")) {
            String name = table.get(0).toString();
            if (!withBots && name.equals("bots")) {
                continue;
            }
            boolean versioned = Database.count("select count(*) from information_schema.columns where table_schema "
                    + "= current_schema() and table_name = '" + name + "' and column_name = 'version'") > 0;
            parts.add("(select '" + name + "=' || count(*)" + (versioned ? " || '/' || coalesce(sum(version), 0)" : "")
                    + " from " + name + ")");
        }
        return "select " + String.join(" || ' ' || ", parts);
    }
}
