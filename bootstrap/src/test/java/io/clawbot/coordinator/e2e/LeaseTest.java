package io.clawbot.coordinator.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Leases in real time with second-long terms ({@link ShortLeases}). */
@QuarkusTest
@TestProfile(ShortLeases.class)
class LeaseTest {

    @Test
    void an_assignment_not_accepted_in_time_is_taken_back_and_dispatched_again_as_a_new_attempt() {
        String type = Fixtures.unique("ack");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("dozy"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            String task = Fixtures.createTask(type, 0);
            assertThat(bot.next("task_assigned").payload()).containsEntry("attempt", 1);

            assertThat(bot.next("task_cancel").payload()).containsEntry("task_id", task).containsEntry("attempt", 1);
            // A bot that let an offer lapse is offered more once it is heard from.
            bot.send("heartbeat", Map.of());
            Map<String, Object> again = bot.next("task_assigned").payload();
            assertThat(again).containsEntry("task_id", task).containsEntry("attempt", 2);

            bot.send("task_complete", Map.of("task_id", task, "attempt", 1, "success", true));
            assertThat(bot.next("error").payload()).containsEntry("code", "stale_attempt");
            bot.send("task_accepted", Map.of("task_id", task, "attempt", 2));
            bot.next("task_ack");
            bot.send("task_complete", Map.of("task_id", task, "attempt", 2, "success", true));
            assertThat(bot.next("task_ack").payload()).containsEntry("status", "completed");
        }
    }

    @Test
    void a_bot_that_lets_an_offer_lapse_without_a_word_is_offered_nothing_more_until_it_is_heard_from()
            throws Exception {
        String type = Fixtures.unique("mute");
        var mute = Fixtures.registerBotWithToken(Fixtures.unique("mute"), type);
        var other = Fixtures.registerBotWithToken(Fixtures.unique("other"), type);
        try (TestBot silent = TestBot.connect(mute.token())) {
            String task = Fixtures.createTask(type, 0);
            assertThat(silent.next("task_assigned").payload()).containsEntry("task_id", task)
                    .containsEntry("attempt", 1);
            assertThat(silent.next("task_cancel").payload()).containsEntry("attempt", 1);
            // Its socket is open but it said nothing: the task waits for another bot instead of being offered to
            // this one again each time the offer lapses.
            assertThat(silent.drain(Duration.ofSeconds(4))).extracting(TestBot.Frame::type)
                    .doesNotContain("task_assigned");
            try (TestBot awake = TestBot.connect(other.token())) {
                assertThat(awake.next("task_assigned").payload()).containsEntry("task_id", task)
                        .containsEntry("attempt", 2);
                awake.send("task_accepted", Map.of("task_id", task, "attempt", 2));
                awake.next("task_ack");

                // Once it speaks it is offered work again (the other bot's only slot is taken).
                silent.send("heartbeat", Map.of());
                String next = Fixtures.createTask(type, 0);
                assertThat(silent.next("task_assigned").payload()).containsEntry("task_id", next);
            }
        }
    }

    /**
     * A task that kills every bot that reads it, before the bot can accept: the bot comes back at once and is sent
     * the assignment again. Sending it again does not renew the offer, so each offer lapses after the
     * acknowledgement timeout, and the task is dead-lettered after its attempts instead of being held for ever.
     */
    @Test
    void a_task_that_kills_its_bot_before_it_accepts_is_dead_lettered_after_its_attempts() throws Exception {
        String type = Fixtures.unique("poison");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("fragile"), type);
        String task = Fixtures.createTask(type, 0);
        Set<Object> attemptsOffered = new TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String status = "pending";
        while (System.nanoTime() < deadline) {
            status = given().when().get("/api/v1/tasks/" + task).then().extract().path("status");
            if (status.equals("timed_out") || status.equals("failed")) {
                break;
            }
            try (TestBot bot = TestBot.connect(creds.token())) {
                TestBot.Frame frame;
                while ((frame = bot.frames.poll(2, TimeUnit.SECONDS)) != null) {
                    if (frame.type().equals("task_assigned")) {
                        attemptsOffered.add(frame.payload().get("attempt"));
                        bot.cut(); // dies on reading it, without a word
                        break;
                    }
                }
            }
            Thread.sleep(100);
        }

        assertThat(status).isEqualTo("timed_out");
        assertThat(attemptsOffered).containsExactly(1, 2, 3);
        given().when().get("/api/v1/tasks/" + task).then().body("error_code", equalTo("ack_timeout"));
    }

    /**
     * A bot that heartbeats but does not read what it is sent is passed over while it is backed up, and closed
     * when it has not caught up within the acknowledgement timeout, long before its backlog reaches the bound
     * that closes a session at once.
     */
    @Test
    void a_bot_that_does_not_catch_up_with_what_it_is_sent_is_closed_after_the_ack_timeout() throws Exception {
        String type = Fixtures.unique("unread");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("unread"), type);
        java.net.http.WebSocket deaf = TestBot.deaf(creds.token());
        try {
            SlowBotTest.awaitListed(creds.id());
            deaf.sendText("{\"type\": \"slots\", \"payload\": {\"slots\": 16}}", true).get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 8; i++) {
                given().contentType(io.restassured.http.ContentType.JSON).body("{\"type\": \"" + type
                        + "\", \"payload\": {\"blob\": \"" + "x".repeat(900_000) + "\"}}").when()
                        .post("/api/v1/tasks").then().statusCode(201);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            boolean listed = true;
            while (listed && System.nanoTime() < deadline) {
                Thread.sleep(200);
                listed = given().when().get("/api/v1/ws/connections").then().extract().jsonPath().getList("bot_id")
                        .contains(creds.id());
            }
            assertThat(listed).as("closed for not catching up").isFalse();
        } finally {
            deaf.abort();
        }
    }

    @Test
    void a_bot_that_reconnects_within_the_grace_period_keeps_its_task() throws Exception {
        String type = Fixtures.unique("blip");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("flaky-link"), type);
        String task;
        try (TestBot bot = TestBot.connect(creds.token())) {
            task = Fixtures.createTask(type, 0);
            bot.next("task_assigned");
            bot.send("task_accepted", Map.of("task_id", task, "attempt", 1));
            bot.next("task_ack");
            bot.cut();
        }
        Thread.sleep(1000);
        try (TestBot back = TestBot.connect(creds.token())) {
            Thread.sleep(2500); // past the old grace deadline; the reconnect renewed the lease
            given().when().get("/api/v1/tasks/" + task).then().body("status", equalTo("in_progress"))
                    .body("attempt", equalTo(1)).body("bot_id", equalTo(creds.id()));
            back.send("task_complete", Map.of("task_id", task, "attempt", 1, "success", true));
            assertThat(back.next("task_ack").payload()).containsEntry("status", "completed");
        }
    }

    @Test
    void a_bot_gone_beyond_the_grace_period_loses_its_task_to_another_bot() throws Exception {
        String type = Fixtures.unique("gone");
        var first = Fixtures.registerBotWithToken(Fixtures.unique("vanishing"), type);
        String task;
        try (TestBot bot = TestBot.connect(first.token())) {
            task = Fixtures.createTask(type, 0);
            bot.next("task_assigned");
            bot.send("task_accepted", Map.of("task_id", task, "attempt", 1));
            bot.next("task_ack");
            bot.cut();
        }
        var second = Fixtures.registerBotWithToken(Fixtures.unique("successor"), type);
        try (TestBot successor = TestBot.connect(second.token())) {
            Map<String, Object> assigned = successor.next("task_assigned").payload();
            assertThat(assigned).containsEntry("task_id", task).containsEntry("attempt", 2);
            assertThat(Database.rows("select reason from task_events where task_id = '" + task
                    + "' and to_status = 'pending' and from_status = 'in_progress'").getFirst().getFirst())
                    .asString().contains("went silent");
        }
    }

    @Test
    void heartbeats_that_name_the_running_tasks_keep_only_those_leases() throws Exception {
        String type = Fixtures.unique("named");
        var creds = Fixtures.registerBotWithToken(Fixtures.unique("forgetful"), type);
        try (TestBot bot = TestBot.connect(creds.token())) {
            bot.send("slots", Map.of("slots", 2));
            bot.next("slots_ack");
            String known = Fixtures.createTask(type, 0);
            String forgotten = Fixtures.createTask(type, 0);
            int assigned = 0;
            while (assigned < 2) {
                TestBot.Frame frame = bot.next();
                if (frame.type().equals("task_assigned")) {
                    assigned++;
                    bot.send("task_accepted", Map.of("task_id", frame.payload().get("task_id"), "attempt", 1));
                }
            }
            // The bot's process "restarted": it only knows one of the two tasks it holds.
            Map<String, Object> cancel = null;
            for (int beat = 0; beat < 20 && cancel == null; beat++) {
                bot.send("heartbeat", Map.of("running", List.of(Map.of("task_id", known, "attempt", 1))));
                for (TestBot.Frame frame : bot.drain(java.time.Duration.ofMillis(400))) {
                    if (frame.type().equals("task_cancel")) {
                        cancel = frame.payload();
                    }
                }
            }
            assertThat(cancel).as("the forgotten task's lease lapsed").isNotNull()
                    .containsEntry("task_id", forgotten);
            assertThat((String) cancel.get("reason")).startsWith("lease_expired");
            given().when().get("/api/v1/tasks/" + known).then().body("status", equalTo("in_progress"));
        }
    }
}
