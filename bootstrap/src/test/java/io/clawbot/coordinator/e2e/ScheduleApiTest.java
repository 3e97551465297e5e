package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The schedule API over HTTP, against the real database. Schedules here use expressions that do not fire while
 * the test runs (or are disabled), so the coordinator's own sweep leaves them alone, except where a test makes
 * one due on purpose.
 */
@QuarkusTest
class ScheduleApiTest {

    /** Midnight on New Year's Day: never due while a test runs. */
    private static final String YEARLY = "0 0 1 1 *";
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** No schedule outlives its test, so none fires into the tests that follow. */
    @AfterEach
    void deleteSchedules() {
        Database.execute("delete from schedules");
    }

    private static Map<String, Object> taskSchedule(String name, String cron) {
        return Map.of("name", name, "cron", cron, "template",
                Map.of("type", "report", "priority", 5, "payload", Map.of("kind", "daily")));
    }

    private static String create(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/schedules")
                .then().statusCode(201).extract().path("id");
    }

    private static void assertRejected(Object body, String field) {
        given().contentType(ContentType.JSON).body(body)
                .when().post("/api/v1/schedules")
                .then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:validation"))
                .body("field", equalTo(field))
                .body("detail", containsString(field));
    }

    /** The next {@code count} weekday mornings at 09:00 in Berlin after {@code after}, computed with java.time. */
    private static List<Instant> weekdayMorningsInBerlin(Instant after, int count) {
        List<Instant> out = new ArrayList<>();
        for (LocalDate day = LocalDate.ofInstant(after, BERLIN); out.size() < count; day = day.plusDays(1)) {
            Instant nine = ZonedDateTime.of(day, LocalTime.of(9, 0), BERLIN).toInstant();
            if (day.getDayOfWeek() != DayOfWeek.SATURDAY && day.getDayOfWeek() != DayOfWeek.SUNDAY
                    && nine.isAfter(after)) {
                out.add(nine);
            }
        }
        return out;
    }

    private static List<Instant> instants(List<String> values) {
        return values.stream().map(Instant::parse).toList();
    }

    @Test
    void a_created_schedule_has_the_defaults_and_waits_for_its_first_occurrence() {
        String name = Fixtures.unique("weekday-report");
        Instant before = Instant.now();
        var created = given().contentType(ContentType.JSON)
                .body(Map.of("name", name, "description", "the morning report", "cron", "0 9 * * 1-5",
                        "time_zone", "Europe/Berlin", "template", Map.of("type", "report", "payload",
                                Map.of("kind", "daily"))))
                .when().post("/api/v1/schedules")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/schedules/"))
                .body("name", equalTo(name))
                .body("description", equalTo("the morning report"))
                .body("cron", equalTo("0 9 * * 1-5"))
                .body("time_zone", equalTo("Europe/Berlin"))
                .body("target", equalTo("task"))
                .body("misfire_policy", equalTo("skip"))
                .body("enabled", equalTo(true))
                .body("template.type", equalTo("report"))
                .body("template.payload.kind", equalTo("daily"))
                .body("last_fired_at", nullValue())
                .body("created_at", notNullValue())
                .extract();
        String id = created.path("id");

        Instant next = Instant.parse(created.path("next_fire_at"));
        assertThat(weekdayMorningsInBerlin(before, 2)).contains(next);
        given().when().get("/api/v1/schedules/" + id)
                .then().statusCode(200).body("id", equalTo(id)).body("next_fire_at", equalTo(next.toString()));
        given().queryParam("limit", 500).when().get("/api/v1/schedules")
                .then().statusCode(200).body("id", hasItem(id));
    }

    @Test
    void a_preview_gives_the_next_fire_times_in_the_time_zone_without_saving_anything() {
        Instant before = Instant.now();
        List<String> times = given().contentType(ContentType.JSON)
                .body(Map.of("cron", "0 9 * * 1-5", "time_zone", "Europe/Berlin", "count", 12))
                .when().post("/api/v1/schedules/preview")
                .then().statusCode(200)
                .body("cron", equalTo("0 9 * * 1-5"))
                .body("time_zone", equalTo("Europe/Berlin"))
                .extract().path("next_fire_times");
        Instant after = Instant.now();

        List<Instant> fromBefore = weekdayMorningsInBerlin(before, 12);
        List<Instant> fromAfter = weekdayMorningsInBerlin(after, 12);
        assertThat(instants(times)).satisfiesAnyOf(
                t -> assertThat(t).isEqualTo(fromBefore),
                t -> assertThat(t).isEqualTo(fromAfter));
        given().contentType(ContentType.JSON).body(Map.of("cron", "*/10 * * * *"))
                .when().post("/api/v1/schedules/preview")
                .then().statusCode(200).body("time_zone", equalTo("UTC")).body("next_fire_times", hasSize(5));
    }

    @Test
    void a_preview_rejects_bad_input_naming_the_field() {
        for (var bad : List.of(Map.of("cron", "0 9 * *"), Map.of("cron", "61 * * * *"),
                Map.of("cron", "* * * * *", "time_zone", "Europe/Atlantis"),
                Map.of("cron", "* * * * *", "count", 0), Map.of("cron", "* * * * *", "count", 101),
                Map.of("cron", "* * * * *", "colour", "red"))) {
            String field = bad.containsKey("colour")
                    ? "colour"
                    : bad.containsKey("count") ? "count" : bad.containsKey("time_zone") ? "time_zone" : "cron";
            given().contentType(ContentType.JSON).body(bad)
                    .when().post("/api/v1/schedules/preview")
                    .then().statusCode(400).contentType("application/problem+json").body("field", equalTo(field));
        }
    }

    @Test
    void the_next_fire_times_of_a_saved_schedule_follow_its_expression() {
        String id = create(Map.of("name", Fixtures.unique("weekday"), "cron", "0 9 * * 1-5", "time_zone",
                "Europe/Berlin", "enabled", false, "template", Map.of()));
        Instant before = Instant.now();

        List<String> times = given().queryParam("count", 3).when().get("/api/v1/schedules/" + id + "/next-fire-times")
                .then().statusCode(200).body("cron", equalTo("0 9 * * 1-5")).extract().path("next_fire_times");

        assertThat(instants(times)).hasSize(3).isSubsetOf(weekdayMorningsInBerlin(before, 4));
        given().when().get("/api/v1/schedules/" + id + "/next-fire-times")
                .then().statusCode(200).body("next_fire_times", hasSize(5));
        given().queryParam("count", 101).when().get("/api/v1/schedules/" + id + "/next-fire-times")
                .then().statusCode(400).body("field", equalTo("count"));
        given().queryParam("count", "many").when().get("/api/v1/schedules/" + id + "/next-fire-times")
                .then().statusCode(400).body("field", equalTo("count"));
    }

    @Test
    void invalid_schedules_are_rejected_naming_the_field_and_nothing_is_saved() {
        String name = Fixtures.unique("invalid");
        long before = Database.count("select count(*) from schedules");

        assertRejected(Map.of("name", name, "cron", "every morning", "template", Map.of()), "cron");
        assertRejected(Map.of("name", name, "cron", "0 0 30 2 *", "template", Map.of()), "cron");
        assertRejected(Map.of("name", name, "cron", YEARLY, "time_zone", "Mars/Olympus", "template", Map.of()),
                "time_zone");
        assertRejected(Map.of("name", name, "cron", YEARLY, "template", Map.of("priority", 5000)),
                "template.priority");
        assertRejected(Map.of("name", name, "cron", YEARLY, "template", Map.of("priority", "high")),
                "template.priority");
        assertRejected(Map.of("name", name, "cron", YEARLY, "template", Map.of("colour", "red")), "template.colour");
        assertRejected(Map.of("name", name, "cron", YEARLY, "target", "workflow", "template", Map.of("name", "w")),
                "template.task_payloads");
        assertRejected(Map.of("name", name, "cron", YEARLY, "target", "job", "template", Map.of()), "target");
        assertRejected(Map.of("name", name, "cron", YEARLY, "misfire_policy", "catch_up", "template", Map.of()),
                "misfire_policy");
        assertRejected(Map.of("cron", YEARLY, "template", Map.of()), "name");
        assertRejected(Map.of("name", name, "template", Map.of()), "cron");
        assertRejected(Map.of("name", name, "cron", YEARLY), "template");
        assertRejected(Map.of("name", name, "cron", YEARLY, "template", Map.of(), "colour", "red"), "colour");
        assertRejected(Map.of("name", name, "cron", YEARLY, "template", List.of()), "template");
        assertRejected(Map.of("name", name, "cron", YEARLY, "template", Map.of(), "enabled", "yes"), "enabled");
        given().contentType(ContentType.JSON).body("{\"name\": ")
                .when().post("/api/v1/schedules")
                .then().statusCode(400).body("type", equalTo("urn:clawbot:problem:malformed-json"));

        assertThat(Database.count("select count(*) from schedules")).isEqualTo(before);
    }

    @Test
    void a_taken_name_is_a_conflict() {
        String name = Fixtures.unique("taken");
        String first = create(taskSchedule(name, YEARLY));

        given().contentType(ContentType.JSON).body(taskSchedule(name, YEARLY))
                .when().post("/api/v1/schedules")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:clawbot:problem:schedule-name-taken"));
        String second = create(taskSchedule(Fixtures.unique("other"), YEARLY));
        given().contentType(ContentType.JSON).body(taskSchedule(name, YEARLY))
                .when().put("/api/v1/schedules/" + second)
                .then().statusCode(409).body("type", equalTo("urn:clawbot:problem:schedule-name-taken"));
        given().when().get("/api/v1/schedules/" + first).then().statusCode(200).body("name", equalTo(name));
    }

    @Test
    void replacing_a_schedule_changes_its_definition_and_recomputes_the_next_fire_time() {
        String id = create(taskSchedule(Fixtures.unique("replace"), YEARLY));
        String yearly = given().when().get("/api/v1/schedules/" + id).then().extract().path("next_fire_at");
        String renamed = Fixtures.unique("renamed");

        given().contentType(ContentType.JSON)
                .body(Map.of("name", renamed, "cron", "0 12 1 1 *", "time_zone", "Asia/Tokyo", "misfire_policy",
                        "fire_once", "target", "workflow", "template",
                        Map.of("name", "new year", "task_payloads", List.of(Map.of("step", 1)))))
                .when().put("/api/v1/schedules/" + id)
                .then().statusCode(200)
                .body("name", equalTo(renamed))
                .body("cron", equalTo("0 12 1 1 *"))
                .body("time_zone", equalTo("Asia/Tokyo"))
                .body("misfire_policy", equalTo("fire_once"))
                .body("target", equalTo("workflow"))
                .body("template.task_payloads[0].step", equalTo(1))
                .body("description", nullValue())
                .body("next_fire_at", not(equalTo(yearly)))
                .body("next_fire_at", containsString("-01-01T03:00:00Z"));
        given().contentType(ContentType.JSON).body(taskSchedule(renamed, "0 0 * * * *"))
                .when().put("/api/v1/schedules/" + id)
                .then().statusCode(400).body("field", equalTo("cron"));
        given().contentType(ContentType.JSON).body(taskSchedule(renamed, YEARLY))
                .when().put("/api/v1/schedules/" + UUID.randomUUID())
                .then().statusCode(404).body("type", equalTo("urn:clawbot:problem:schedule-not-found"));
    }

    @Test
    void a_disabled_schedule_has_no_next_fire_time_until_it_is_enabled_again() {
        String id = create(taskSchedule(Fixtures.unique("toggle"), YEARLY));

        given().when().post("/api/v1/schedules/" + id + "/disable")
                .then().statusCode(200).body("enabled", equalTo(false)).body("next_fire_at", nullValue());
        given().when().post("/api/v1/schedules/" + id + "/disable")
                .then().statusCode(200).body("enabled", equalTo(false));
        given().when().post("/api/v1/schedules/" + id + "/enable")
                .then().statusCode(200).body("enabled", equalTo(true))
                .body("next_fire_at", containsString("-01-01T00:00:00Z"));
    }

    @Test
    void unknown_and_malformed_ids_are_answered_with_problems() {
        String unknown = UUID.randomUUID().toString();
        for (var call : List.of(
                given().when().get("/api/v1/schedules/" + unknown),
                given().when().delete("/api/v1/schedules/" + unknown),
                given().when().post("/api/v1/schedules/" + unknown + "/enable"),
                given().when().post("/api/v1/schedules/" + unknown + "/disable"),
                given().when().get("/api/v1/schedules/" + unknown + "/next-fire-times"))) {
            call.then().statusCode(404).contentType("application/problem+json")
                    .body("type", equalTo("urn:clawbot:problem:schedule-not-found"));
        }
        given().when().get("/api/v1/schedules/not-a-uuid")
                .then().statusCode(400).body("field", equalTo("schedule_id"));
    }

    @Test
    void a_deleted_schedule_is_gone() {
        String id = create(taskSchedule(Fixtures.unique("delete"), YEARLY));

        given().when().delete("/api/v1/schedules/" + id).then().statusCode(204);

        given().when().get("/api/v1/schedules/" + id).then().statusCode(404);
        given().when().delete("/api/v1/schedules/" + id).then().statusCode(404);
    }

    @Test
    void listing_is_oldest_first_and_bounded() {
        String first = create(taskSchedule(Fixtures.unique("list"), YEARLY));
        String second = create(taskSchedule(Fixtures.unique("list"), YEARLY));

        List<String> ids = given().queryParam("limit", 500).when().get("/api/v1/schedules")
                .then().statusCode(200).extract().path("id");
        assertThat(ids).containsSubsequence(first, second);
        given().queryParam("limit", 1).when().get("/api/v1/schedules").then().statusCode(200).body("$", hasSize(1));
        given().queryParam("limit", 0).when().get("/api/v1/schedules")
                .then().statusCode(400).body("field", equalTo("limit"));
    }

    @Test
    void a_due_schedule_is_fired_by_the_coordinator_s_own_sweep() throws InterruptedException {
        String type = Fixtures.unique("swept");
        String id = create(Map.of("name", Fixtures.unique("swept"), "cron", YEARLY, "template",
                Map.of("type", type, "priority", 3, "payload", Map.of("from", "schedule"))));
        Database.execute("update schedules set next_fire_at = date_trunc('second', now()) - interval '5 seconds' "
                + "where id = '" + id + "'");

        long deadline = System.nanoTime() + 15_000_000_000L;
        while (Database.count("select count(*) from tasks where type = '" + type + "'") == 0
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        given().queryParam("type", type).when().get("/api/v1/tasks")
                .then().statusCode(200).body("$", hasSize(1))
                .body("[0].priority", equalTo(3))
                .body("[0].payload.from", equalTo("schedule"));
        given().when().get("/api/v1/schedules/" + id)
                .then().statusCode(200)
                .body("last_fired_at", notNullValue())
                .body("next_fire_at", containsString("-01-01T00:00:00Z"));
        assertThat(Database.count("select count(*) from idempotency_keys where scope = 'tasks' and key like 'schedule:"
                + id + ":%'")).isEqualTo(1);
    }
}
