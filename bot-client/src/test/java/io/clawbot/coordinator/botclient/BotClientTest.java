package io.clawbot.coordinator.botclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against {@link FakeCoordinator}: a real WebSocket, the coordinator's side scripted by each test. */
class BotClientTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private FakeCoordinator coordinator;
    private final List<BotClient> clients = new ArrayList<>();
    private final RecordingListener events = new RecordingListener();

    @BeforeEach
    void startCoordinator() throws Exception {
        coordinator = new FakeCoordinator();
    }

    @AfterEach
    void stopEverything() throws Exception {
        clients.forEach(BotClient::close);
        coordinator.close();
    }

    @Test
    void connects_with_the_bearer_token_and_completes_start_on_connected() throws Exception {
        BotClient client = client(1, task -> Map.of());

        CompletableFuture<ConnectedInfo> started = client.start();
        FakeCoordinator.Session session = coordinator.nextSession(WAIT);
        assertThat(session.headers).containsEntry("authorization", "Bearer secret-token");
        assertThat(session.headers.get(":request-line")).startsWith("GET /api/v1/ws/control ");
        assertThat(started).isNotDone();

        session.sendConnected(1);

        assertThat(started.get(10, TimeUnit.SECONDS)).isEqualTo(new ConnectedInfo("bot-1", 1, 30, 10, 60, 1));
        assertThat(client.connectedInfo().botId()).isEqualTo("bot-1");
        assertThat(client.isConnected()).isTrue();
        assertThat(events.connected).hasSize(1);
        // The server already had the right slots: nothing to tell it.
        Thread.sleep(200);
        assertThat(session.sawType("slots")).isFalse();
    }

    @Test
    void tells_the_coordinator_its_slots_and_start_waits_for_the_ack() throws Exception {
        BotClient client = client(3, task -> Map.of());
        CompletableFuture<ConnectedInfo> started = client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(1);

        Frames.Frame slots = session.await("slots", WAIT);
        assertThat(slots.payload()).isEqualTo(Map.of("slots", 3));
        Thread.sleep(100);
        assertThat(started).as("start waits for slots_ack").isNotDone();

        session.send("slots_ack", Map.of("slots", 3));

        assertThat(started.get(10, TimeUnit.SECONDS).slots()).isEqualTo(3);
        assertThat(client.connectedInfo().slots()).isEqualTo(3);
    }

    @Test
    void accepts_runs_and_completes_a_task() throws Exception {
        BotClient client = client(1, task -> Map.of("doubled", ((Number) task.payload().get("n")).intValue() * 2));
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(1);

        session.send("task_assigned", assignment("t-1", 2, Map.of("n", 21)));

        assertThat(session.await("task_accepted", WAIT).payload()).isEqualTo(Map.of("task_id", "t-1", "attempt", 2));
        Frames.Frame complete = session.await("task_complete", WAIT);
        assertThat(complete.payload()).isEqualTo(
                Map.of("task_id", "t-1", "attempt", 2, "success", true, "result", Map.of("doubled", 42)));
        assertThat(events.assigned).extracting(AssignedTask::taskId).containsExactly("t-1");
        waitUntil(() -> !events.completed.isEmpty());
        assertThat(events.completed).containsExactly("t-1#2:true");
    }

    @Test
    void with_an_accept_delay_a_quick_run_is_accepted_by_its_completion_and_a_long_one_first_accepted()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BotClient client = register(builder(2, task -> {
            if (task.taskId().equals("slow")) {
                release.await();
            }
            return Map.of();
        }).acceptDelay(Duration.ofMillis(200)));
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(2);

        session.send("task_assigned", assignment("quick", 1, Map.of()));
        assertThat(session.await("task_complete", WAIT).payload()).containsEntry("task_id", "quick");
        session.send("task_assigned", assignment("slow", 1, Map.of()));
        long sent = System.nanoTime();
        assertThat(session.await("task_accepted", WAIT).payload()).isEqualTo(Map.of("task_id", "slow", "attempt", 1));
        assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("after the delay")
                .isGreaterThanOrEqualTo(Duration.ofMillis(150));
        release.countDown();
        assertThat(session.await("task_complete", WAIT).payload()).containsEntry("task_id", "slow");
        Thread.sleep(300);
        assertThat(session.sentOfType("task_accepted")).as("only the long run was accepted")
                .extracting(f -> f.payload().get("task_id")).containsExactly("slow");
    }

    @Test
    void an_accept_delay_beyond_a_second_is_refused() {
        assertThatThrownBy(() -> builder(1, task -> Map.of()).acceptDelay(Duration.ofSeconds(2)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("acceptDelay");
    }

    @Test
    void reports_a_handler_exception_as_a_failure_with_its_message() throws Exception {
        BotClient client = client(1, task -> {
            throw new IllegalStateException("disk full");
        });
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(1);

        session.send("task_assigned", assignment("t-2", 1, Map.of()));

        Frames.Frame complete = session.await("task_complete", WAIT);
        assertThat(complete.payload())
                .isEqualTo(Map.of("task_id", "t-2", "attempt", 1, "success", false, "error", "disk full"));
        waitUntil(() -> !events.completed.isEmpty());
        assertThat(events.completed).containsExactly("t-2#1:false");
    }

    @Test
    void a_task_failure_carries_its_error_code() throws Exception {
        BotClient client = client(1, task -> {
            throw new TaskFailure("invalid_input", "no scene in the payload");
        });
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(1);

        session.send("task_assigned", assignment("t-3", 2, Map.of()));

        Frames.Frame complete = session.await("task_complete", WAIT);
        assertThat(complete.payload()).isEqualTo(Map.of("task_id", "t-3", "attempt", 2, "success", false, "error",
                "no scene in the payload", "error_code", "invalid_input"));
    }

    @Test
    void runs_at_most_slots_tasks_at_once() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        BotClient client = client(2, task -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            try {
                release.await(10, TimeUnit.SECONDS);
            } finally {
                now.decrementAndGet();
            }
            return Map.of();
        });
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(2);

        for (int i = 0; i < 5; i++) {
            session.send("task_assigned", assignment("t-" + i, 1, Map.of()));
        }
        for (int i = 0; i < 5; i++) {
            session.await("task_accepted", WAIT);
        }
        waitUntil(() -> now.get() == 2);
        Thread.sleep(300);
        assertThat(now.get()).as("no third handler starts while two hold the slots").isEqualTo(2);
        assertThat(client.runningTaskCount()).isEqualTo(5);

        release.countDown();
        for (int i = 0; i < 5; i++) {
            session.await("task_complete", WAIT);
        }
        assertThat(most.get()).isEqualTo(2);
    }

    @Test
    void cancel_interrupts_the_handler_and_sends_no_completion() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        BotClient client = client(2, task -> {
            if (task.taskId().equals("slow")) {
                running.countDown();
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
            }
            return Map.of("done", task.taskId());
        });
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(2);

        session.send("task_assigned", assignment("slow", 1, Map.of()));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        session.send("task_cancel", Map.of("task_id", "slow", "attempt", 1, "reason", "cancelled by api"));

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        // A later task's completion proves the queue moved on, and that nothing about "slow" came before it.
        session.send("task_assigned", assignment("fast", 1, Map.of()));
        Frames.Frame complete = session.await("task_complete", WAIT);
        assertThat(complete.payload()).containsEntry("task_id", "fast");
        assertThat(session.history).noneMatch(text -> text.contains("task_complete") && text.contains("slow"));
        assertThat(events.cancelled).containsExactly("slow#1:cancelled by api");
        assertThat(client.runningTaskCount()).isZero();
    }

    @Test
    void cancel_of_another_attempt_leaves_the_task_running() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BotClient client = client(1, task -> {
            release.await(10, TimeUnit.SECONDS);
            return Map.of();
        });
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(1);

        session.send("task_assigned", assignment("t", 2, Map.of()));
        session.await("task_accepted", WAIT);
        session.send("task_cancel", Map.of("task_id", "t", "attempt", 1, "reason", "stale"));
        Thread.sleep(200);
        release.countDown();

        assertThat(session.await("task_complete", WAIT).payload()).containsEntry("attempt", 2)
                .containsEntry("success", true);
        assertThat(events.cancelled).isEmpty();
    }

    @Test
    void a_heartbeat_names_the_tasks_the_client_holds() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BotClient client = register(builder(1, task -> {
            release.await();
            return Map.of();
        }).heartbeatInterval(Duration.ofMillis(100)));
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(1);
        session.send("task_assigned", assignment("t-9", 3, Map.of()));
        session.await("task_accepted", WAIT);

        assertThat(session.await("heartbeat", WAIT).payload())
                .isEqualTo(Map.of("running", List.of(Map.of("task_id", "t-9", "attempt", 3))));
        release.countDown();
    }

    @Test
    void sends_heartbeats_at_the_configured_interval() throws Exception {
        BotClient client = register(builder(1, task -> Map.of()).heartbeatInterval(Duration.ofMillis(100)));
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(1);

        long before = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(session.await("heartbeat", WAIT).payload()).isEqualTo(Map.of("running", List.of()));
        }
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void reassembles_a_frame_that_arrives_in_pieces() throws Exception {
        BotClient client = client(1, task -> Map.of("got", task.payload().get("text")));
        client.start();
        FakeCoordinator.Session session = coordinator.nextSession(WAIT);
        session.sendFragmented(Frames.encode("connected", Map.of("bot_id", "bot-1", "slots", 1)), 3);
        String text = "x".repeat(70_000);

        session.sendFragmented(Frames.encode("task_assigned", assignment("big", 1, Map.of("text", text))), 4);

        Frames.Frame complete = session.await("task_complete", WAIT);
        assertThat(complete.payload().get("result")).isEqualTo(Map.of("got", text));
    }

    @Test
    void reconnects_after_a_dropped_connection_and_reports_the_task_that_kept_running() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // Quick heartbeats: a write to the dead socket fails even when the JDK misses the EOF (see BotClient).
        BotClient client = register(builder(1, task -> {
            release.await(10, TimeUnit.SECONDS);
            return Map.of("survived", true);
        }).heartbeatInterval(Duration.ofMillis(100)));
        client.start();
        FakeCoordinator.Session first = coordinator.nextConnected(1);
        first.send("task_assigned", assignment("t", 1, Map.of()));
        first.await("task_accepted", WAIT);

        first.drop();
        waitUntil(() -> !events.disconnected.isEmpty());
        // The handler finishes while no session is up: its report waits for the next one.
        release.countDown();
        waitUntil(() -> client.pendingFrameCount() == 1);
        assertThat(client.isConnected()).isFalse();

        FakeCoordinator.Session second = coordinator.nextConnected(1);
        assertThat(second.headers).containsEntry("authorization", "Bearer secret-token");
        assertThat(second.await("task_complete", WAIT).payload()).containsEntry("task_id", "t")
                .containsEntry("result", Map.of("survived", true));
        assertThat(events.connected).hasSize(2);
        assertThat(events.disconnected).hasSize(1).first().asString().startsWith("1006");
    }

    @Test
    void drops_and_replaces_a_session_on_which_the_coordinator_went_silent() throws Exception {
        BotClient client = register(builder(1, task -> Map.of()).heartbeatInterval(Duration.ofMillis(100)));
        client.start();
        FakeCoordinator.Session first = coordinator.nextSession(WAIT);
        first.sendConnected(1, 1);
        first.await("heartbeat", WAIT);
        Thread.sleep(500);
        assertThat(events.disconnected).as("heartbeats are answered: the session is alive").isEmpty();

        first.answerHeartbeats = false;

        FakeCoordinator.Session second = coordinator.nextSession(WAIT);
        assertThat(events.disconnected).hasSize(1).first().asString().startsWith("1006 no frame from the coordinator");
        second.sendConnected(1);
        waitUntil(client::isConnected);
    }

    @Test
    void a_completion_the_coordinator_could_not_take_just_now_goes_out_again_but_a_refused_one_does_not()
            throws Exception {
        BotClient client = client(2, task -> Map.of("ran", task.taskId()));
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(2);
        session.send("task_assigned", assignment("busy", 1, Map.of()));
        session.await(frame -> frame.type().equals("task_complete") && "busy".equals(frame.payload().get("task_id")),
                WAIT, "busy's completion");
        session.send("error", Map.of("code", "unavailable", "message", "database busy", "task_id", "busy"));
        session.send("task_assigned", assignment("stale", 1, Map.of()));
        session.await(frame -> frame.type().equals("task_complete") && "stale".equals(frame.payload().get("task_id")),
                WAIT, "stale's completion");
        session.send("error", Map.of("code", "stale_attempt", "message", "not yours", "task_id", "stale"));

        Frames.Frame again = session.await(frame -> frame.type().equals("task_complete")
                && "busy".equals(frame.payload().get("task_id")), WAIT, "busy's completion again");
        assertThat(again.payload()).containsEntry("attempt", 1).containsEntry("result", Map.of("ran", "busy"));
        session.send("task_ack", Map.of("task_id", "busy", "attempt", 1, "status", "completed", "duplicate", false));
        Thread.sleep(3_000);
        assertThat(session.history.stream().filter(text -> text.contains("task_complete")
                && text.contains("\"stale\"")).count()).as("the refused completion went out once").isEqualTo(1);
        assertThat(session.history.stream().filter(text -> text.contains("task_complete")
                && text.contains("\"busy\"")).count()).as("the acknowledged one went out twice, no more")
                .isEqualTo(2);
    }

    @Test
    void resends_a_completion_the_lost_session_never_acknowledged_but_not_an_acknowledged_one() throws Exception {
        BotClient client = client(1, task -> Map.of());
        client.start();
        FakeCoordinator.Session first = coordinator.nextConnected(1);
        first.send("task_assigned", assignment("acked", 1, Map.of()));
        first.await("task_complete", WAIT);
        first.send("task_ack", Map.of("task_id", "acked", "attempt", 1, "status", "completed", "duplicate", false));
        first.send("task_assigned", assignment("lost", 1, Map.of()));
        first.await("task_complete", WAIT);
        // An ack for task_accepted (status in_progress) must not count as the completion's ack.
        first.send("task_ack", Map.of("task_id", "lost", "attempt", 1, "status", "in_progress", "duplicate", false));
        Thread.sleep(200);

        first.sendClose(1001, "going away");
        FakeCoordinator.Session second = coordinator.nextConnected(1);

        assertThat(second.await("task_complete", WAIT).payload()).containsEntry("task_id", "lost");
        Thread.sleep(300);
        assertThat(second.history).noneMatch(text -> text.contains("acked"));
        assertThat(events.disconnected).containsExactly("1001 going away");
    }

    @Test
    void an_assignment_sent_again_while_its_completion_awaits_an_answer_is_not_run_again() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        BotClient client = client(1, task -> {
            runs.incrementAndGet();
            return Map.of();
        });
        client.start();
        FakeCoordinator.Session first = coordinator.nextConnected(1);
        first.send("task_assigned", assignment("t", 1, Map.of()));
        first.await("task_complete", WAIT);
        // The replica went away before it took in the acceptance and the completion: to the coordinator the task
        // is still assigned and unaccepted, so the next session sends it again beside the re-sent completion.
        first.sendClose(1001, "going away");
        FakeCoordinator.Session second = coordinator.nextConnected(1);
        second.send("task_assigned", assignment("t", 1, Map.of()));

        assertThat(second.await("task_complete", WAIT).payload()).containsEntry("task_id", "t");
        Thread.sleep(300);
        assertThat(runs).as("the handler ran the attempt once").hasValue(1);
        assertThat(second.sawType("task_accepted")).as("the completion answers the assignment").isFalse();
        assertThat(second.history.stream().filter(text -> text.contains("task_complete"))).hasSize(1);
    }

    @Test
    void a_refused_token_fails_start_and_stops_retrying() throws Exception {
        coordinator.refuseWith = 401;
        BotClient client = client(1, task -> Map.of());

        CompletableFuture<ConnectedInfo> started = client.start();

        assertThatThrownBy(() -> started.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(BotConnectException.class, e -> assertThat(e.httpStatus()).isEqualTo(401));
        assertThat(client.terminated()).failsWithin(WAIT);
        Thread.sleep(300);
        assertThat(coordinator.requests).hasSize(1);
        assertThat(events.connectFailures).containsExactly("false");
    }

    @Test
    void retries_a_failed_connect_with_backoff() throws Exception {
        coordinator.refuseWith = 503;
        BotClient client = client(1, task -> Map.of());
        CompletableFuture<ConnectedInfo> started = client.start();

        waitUntil(() -> coordinator.requests.size() >= 3);
        assertThat(started).isNotDone();
        coordinator.refuseWith = 0;

        coordinator.nextConnected(1);
        assertThat(started.get(10, TimeUnit.SECONDS).botId()).isEqualTo("bot-1");
        assertThat(events.connectFailures).hasSizeGreaterThanOrEqualTo(3).allMatch("true"::equals);
    }

    @Test
    void with_several_addresses_a_refused_connect_moves_on_to_the_next_replica() throws Exception {
        try (FakeCoordinator other = new FakeCoordinator()) {
            coordinator.refuseWith = 503;
            BotClient client = register(builder(1, task -> Map.of()).uris(List.of(coordinator.uri(), other.uri())));
            CompletableFuture<ConnectedInfo> started = client.start();

            other.nextConnected(1);

            assertThat(started.get(10, TimeUnit.SECONDS).botId()).isEqualTo("bot-1");
            assertThat(coordinator.requests).as("the first replica was tried first").hasSize(1);
            assertThat(other.requests).hasSize(1);
        }
    }

    @Test
    void with_several_addresses_a_lost_connection_reconnects_to_another_replica() throws Exception {
        try (FakeCoordinator other = new FakeCoordinator()) {
            // Frequent heartbeats notice the lost connection quickly.
            BotClient client = register(builder(1, task -> Map.of()).uris(List.of(coordinator.uri(), other.uri()))
                    .heartbeatInterval(Duration.ofMillis(100)));
            client.start();
            coordinator.nextConnected(1);

            coordinator.close();

            other.nextConnected(1);
            assertThat(other.requests).hasSize(1);
        }
    }

    @Test
    void a_close_for_a_newer_session_of_the_same_bot_ends_the_client() throws Exception {
        BotClient client = client(1, task -> Map.of());
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(1);

        session.sendClose(4001, "replaced by a newer connection");

        assertThat(client.terminated()).succeedsWithin(WAIT);
        Thread.sleep(300);
        assertThat(coordinator.requests).hasSize(1);
    }

    @Test
    void any_other_close_by_the_coordinator_is_followed_by_a_new_session() throws Exception {
        BotClient client = client(1, task -> Map.of());
        client.start();

        coordinator.nextConnected(1).sendClose(1000, "bye");
        coordinator.nextConnected(1).sendClose(1001, "coordinator shutting down");
        coordinator.nextConnected(1);

        assertThat(client.terminated()).isNotDone();
        assertThat(coordinator.requests).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void close_sends_a_normal_close_and_does_not_reconnect() throws Exception {
        BotClient client = client(1, task -> Map.of());
        client.start().toCompletableFuture();
        FakeCoordinator.Session session = coordinator.nextConnected(1);
        waitUntil(client::isConnected);

        client.close();

        waitUntil(() -> session.closedByClient);
        assertThat(session.clientCloseCode).isEqualTo(1000);
        assertThat(client.terminated()).succeedsWithin(WAIT);
        assertThat(client.send("heartbeat", Map.of())).isCompletedExceptionally();
        Thread.sleep(300);
        assertThat(coordinator.requests).hasSize(1);
    }

    @Test
    void send_and_send_raw_pass_frames_through_unchanged() throws Exception {
        BotClient client = client(1, task -> Map.of());
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(1);

        client.send("task_complete", Map.of("task_id", "nope", "attempt", 7, "success", true)).get(10,
                TimeUnit.SECONDS);
        client.sendRaw("{not json").get(10, TimeUnit.SECONDS);

        assertThat(session.await("task_complete", WAIT).payload()).containsEntry("task_id", "nope");
        assertThat(session.received.poll(10, TimeUnit.SECONDS)).isEqualTo("{not json");
    }

    @Test
    void many_concurrent_sends_are_serialized_without_loss() throws Exception {
        BotClient client = client(1, task -> Map.of());
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(1);

        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 100; i++) {
                    client.send("probe", Map.of("thread", thread, "i", i));
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }

        Map<Integer, Integer> lastPerThread = new LinkedHashMap<>();
        for (int n = 0; n < 800; n++) {
            Frames.Frame probe = session.await("probe", WAIT);
            int thread = (Integer) probe.payload().get("thread");
            int i = (Integer) probe.payload().get("i");
            // Each thread's frames arrive in the order it sent them.
            assertThat(i).isEqualTo(lastPerThread.getOrDefault(thread, -1) + 1);
            lastPerThread.put(thread, i);
        }
    }

    @Test
    void server_errors_reach_the_listener() throws Exception {
        BotClient client = client(1, task -> Map.of());
        client.start();
        FakeCoordinator.Session session = coordinator.nextConnected(1);

        session.send("error", Map.of("code", "stale_attempt", "message", "attempt 1 is not current", "task_id", "t"));

        waitUntil(() -> !events.errors.isEmpty());
        assertThat(events.errors).containsExactly("stale_attempt:attempt 1 is not current:t");
        assertThat(events.frames).contains("connected", "error");
    }

    @Test
    void the_builder_rejects_bad_settings() {
        assertThatThrownBy(() -> BotClient.builder().uri("http://x").handler(t -> null).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BotClient.builder().uri("ws://x").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BotClient.builder().uri("ws://x").handler(t -> null).slots(0).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BotClient.builder().uri("ws://x").handler(t -> null).slots(257).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BotClient.builder().uri("ws://x").handler(t -> null)
                .reconnect(Duration.ofSeconds(5), Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    private BotClient client(int slots, TaskHandler handler) {
        return register(builder(slots, handler));
    }

    private BotClient.Builder builder(int slots, TaskHandler handler) {
        return BotClient.builder()
                .uri(coordinator.uri())
                .token("secret-token")
                .slots(slots)
                .handler(handler)
                .listener(events)
                .reconnect(Duration.ofMillis(20), Duration.ofMillis(100));
    }

    private BotClient register(BotClient.Builder builder) {
        BotClient client = builder.build();
        clients.add(client);
        return client;
    }

    private static Map<String, Object> assignment(String taskId, int attempt, Map<String, Object> input) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("task_id", taskId);
        payload.put("attempt", attempt);
        payload.put("type", "echo");
        payload.put("task_payload", input);
        payload.put("priority", 0);
        payload.put("timeout_seconds", 60);
        payload.put("deadline", "2030-01-01T00:00:00Z");
        payload.put("workflow_id", null);
        return payload;
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT);
            }
            Thread.sleep(10);
        }
    }

    /** Records what the client reports, for assertions. */
    private static final class RecordingListener implements BotListener {
        final List<ConnectedInfo> connected = new CopyOnWriteArrayList<>();
        final List<AssignedTask> assigned = new CopyOnWriteArrayList<>();
        final List<String> completed = new CopyOnWriteArrayList<>();
        final List<String> cancelled = new CopyOnWriteArrayList<>();
        final List<String> errors = new CopyOnWriteArrayList<>();
        final List<String> frames = new CopyOnWriteArrayList<>();
        final List<String> disconnected = new CopyOnWriteArrayList<>();
        final List<String> connectFailures = new CopyOnWriteArrayList<>();

        @Override
        public void onConnected(ConnectedInfo info) {
            connected.add(info);
        }

        @Override
        public void onAssigned(AssignedTask task) {
            assigned.add(task);
        }

        @Override
        public void onCompleted(String taskId, int attempt, boolean success) {
            completed.add(taskId + "#" + attempt + ":" + success);
        }

        @Override
        public void onCancelled(String taskId, int attempt, String reason) {
            cancelled.add(taskId + "#" + attempt + ":" + reason);
        }

        @Override
        public void onServerError(String code, String message, String taskId) {
            errors.add(code + ":" + message + ":" + taskId);
        }

        @Override
        public void onFrame(String type, Map<String, Object> payload) {
            frames.add(type);
        }

        @Override
        public void onDisconnected(int statusCode, String reason) {
            disconnected.add(statusCode + " " + reason);
        }

        @Override
        public void onConnectFailed(Throwable error, boolean willRetry) {
            connectFailures.add(String.valueOf(willRetry));
        }
    }
}
