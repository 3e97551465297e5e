package io.clawbot.coordinator.application.bot;

import io.clawbot.coordinator.domain.common.ValidationException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.bot.BotConnections.Connected;
import io.clawbot.coordinator.application.fakes.FakeBotPresence;
import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.application.fakes.UseCases;
import io.clawbot.coordinator.application.task.Dispatcher;
import io.clawbot.coordinator.application.task.Reported;
import io.clawbot.coordinator.application.task.SubmitTaskCommand;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.common.InvalidTransitionException;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BotConnectionsTest {

    private final FakeWorld world = new FakeWorld();
    private final UseCases app = new UseCases(world);
    private final BotLifecycle bots = app.bots;
    private final BotConnections connections = app.connections;
    private final Dispatcher dispatcher = app.dispatcher;

    private Bot bot;

    @BeforeEach
    void a_registered_bot_with_two_slots() {
        bot = bots.register(new RegisterBotCommand("r2d2", List.of("render"), Map.of())).await().indefinitely()
                .bot();
        bot = bots.setSlots(bot.id(), 2).await().indefinitely();
    }

    /**
     * The socket opens as the adapter handles it: the channel knows the session, the use case runs, the
     * unaccepted assignments are sent again and the session is declared ready.
     */
    private Connected connect() {
        world.channel.connect(bot, world.clock.instant());
        Connected connected = connections.connected(world.db.bot(bot.id())).await().indefinitely();
        connected.unaccepted().forEach(t -> world.channel.pushAssignment(t).await().indefinitely());
        connections.ready();
        return connected;
    }

    /** A bot as a token's lookup might have read it, that the registry does not hold. */
    private Bot stranger(BotId id) {
        return new Bot(id, "stranger", List.of("render"), BotStatus.OFFLINE, Map.of(), null, world.clock.instant(),
                world.clock.instant(), 1, 0);
    }

    private void disconnect() {
        world.channel.disconnect(bot.id());
        connections.disconnected(bot.id()).await().indefinitely();
    }

    private Task submit() {
        return app.submit.submit(new SubmitTaskCommand(TaskSpec.of("render", null, Map.of(), null), null))
                .await().indefinitely().resource();
    }

    /** A task dispatched to the bot and not accepted yet. */
    private Task assigned() {
        Task task = submit();
        dispatcher.dispatch().await().indefinitely();
        Task assigned = world.db.task(task.id());
        assertThat(assigned.botId()).isEqualTo(bot.id());
        return assigned;
    }

    /** A task dispatched to the bot and accepted. */
    private Task running() {
        Task task = assigned();
        accepted(task.id(), task.attempt());
        return world.db.task(task.id());
    }

    private Reported accepted(TaskId id, int attempt) {
        return connections.accepted(bot.id(), id, attempt).await().indefinitely();
    }

    private Reported completed(TaskId id, Integer attempt, Map<String, Object> result) {
        return connections.completed(bot.id(), id, attempt, result).await().indefinitely();
    }

    private int sweep() {
        return app.expire.releaseExpiredLeases(100).await().indefinitely();
    }

    @Test
    void the_terms_are_those_the_connections_were_given() {
        assertThat(connections.terms()).isEqualTo(FakeWorld.TERMS);
    }

    @Nested
    class Connecting {

        @Test
        void a_bot_that_connects_is_online_and_work_is_signalled_once_its_session_is_ready() {
            Instant at = world.clock.advance(Duration.ofSeconds(5));
            world.signal.reset();

            Connected connected = connections.connected(world.db.bot(bot.id())).await().indefinitely();

            Bot online = connected.bot();
            assertThat(online.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(online.lastHeartbeatAt()).isEqualTo(at);
            assertThat(world.db.bot(bot.id())).isEqualTo(online);
            assertThat(connected.unaccepted()).isEmpty();
            assertThat(world.signal.count()).isZero();

            connections.ready();

            assertThat(world.signal.count()).isEqualTo(1);
            assertThat(world.signal.localOnly()).as("only this replica's bots gain").isEqualTo(1);
        }

        @Test
        void a_bot_that_comes_back_is_to_be_sent_again_only_the_assignments_it_had_not_accepted() {
            connect();
            Task waiting = assigned();
            Task started = running();
            disconnect();

            Connected again = connections.connected(world.db.bot(bot.id())).await().indefinitely();

            assertThat(again.unaccepted()).singleElement().satisfies(t -> {
                assertThat(t.id()).isEqualTo(waiting.id());
                assertThat(t.status()).isEqualTo(TaskStatus.ASSIGNED);
                assertThat(t.attempt()).isEqualTo(waiting.attempt());
            });
            assertThat(world.db.task(started.id()).status()).isEqualTo(TaskStatus.IN_PROGRESS);
        }

        @Test
        void a_bot_that_comes_back_within_the_grace_keeps_its_tasks_and_its_running_ones_get_fresh_leases() {
            connect();
            Task waiting = assigned();
            Task started = running();
            Instant offerLapses = world.db.leaseExpiresAt(waiting.id());
            disconnect();
            Instant back = world.clock.advance(Duration.ofSeconds(5));

            Connected again = connect();

            assertThat(again.bot().status()).isEqualTo(BotStatus.BUSY);
            assertThat(again.unaccepted()).extracting(Task::id).containsExactly(waiting.id());
            assertThat(world.db.leaseExpiresAt(waiting.id())).as("the offer's own lease").isEqualTo(offerLapses);
            assertThat(world.db.leaseExpiresAt(started.id())).isEqualTo(back.plus(FakeWorld.TERMS.lease()));
            accepted(waiting.id(), waiting.attempt());
            world.clock.advance(FakeWorld.TERMS.ackTimeout());
            assertThat(sweep()).isZero();
            assertThat(world.db.task(waiting.id()).status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(world.db.task(started.id()).status()).isEqualTo(TaskStatus.IN_PROGRESS);
        }

        /**
         * A poison task that kills its bot before the bot accepts it: the bot comes back, is sent the assignment
         * again and dies again. Sending it again is not a new offer, so the acknowledgement lease is not renewed
         * and the attempt still ends when it lapses; otherwise the task would be held by a dying bot for ever and
         * never reach its last attempt.
         */
        @Test
        void a_bot_that_keeps_dying_before_it_accepts_does_not_hold_the_assignment_past_its_ack_timeout() {
            connect();
            Task offered = assigned();
            Instant deadline = world.db.leaseExpiresAt(offered.id());

            for (int i = 0; i < 15; i++) {
                disconnect();
                world.clock.advance(Duration.ofSeconds(1));
                Connected back = connect();
                if (world.clock.instant().isBefore(deadline)) {
                    assertThat(back.unaccepted()).extracting(Task::id).containsExactly(offered.id());
                }
                assertThat(world.db.leaseExpiresAt(offered.id())).isEqualTo(deadline);
            }

            assertThat(sweep()).isEqualTo(1);
            Task after = world.db.task(offered.id());
            assertThat(after.status()).isNotEqualTo(TaskStatus.ASSIGNED);
            assertThat(after.errorCode()).isEqualTo("ack_timeout");
        }

        @Test
        void a_bot_that_changed_after_its_token_was_read_is_judged_on_a_fresh_read() {
            connect();
            assigned();
            running();
            disconnect();
            Bot readAtAuthentication = world.db.bot(bot.id());
            bots.setSlots(bot.id(), 3).await().indefinitely();

            Bot again = connections.connected(readAtAuthentication).await().indefinitely().bot();

            assertThat(again.status()).as("2 tasks held in 3 slots, not the 2 slots read before")
                    .isEqualTo(BotStatus.ONLINE);
            assertThat(again.slots()).isEqualTo(3);
            assertThat(world.db.bot(bot.id())).isEqualTo(again);
        }

        @Test
        void an_unknown_bot_cannot_connect() {
            assertThatThrownBy(() -> connections.connected(stranger(new BotId(new UUID(9, 9)))).await().indefinitely())
                    .isInstanceOf(NotFoundException.class);
        }
    }

    @Nested
    class Disconnected {

        @Test
        void a_bot_that_goes_away_is_offline() {
            connect();

            disconnect();

            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.OFFLINE);
        }

        @Test
        void a_bot_that_does_not_come_back_within_the_grace_loses_its_tasks() {
            connect();
            Task waiting = assigned();
            Task started = running();
            Instant gone = world.clock.advance(Duration.ofSeconds(1));

            disconnect();

            assertThat(world.db.leaseExpiresAt(started.id()))
                    .isEqualTo(gone.plus(FakeWorld.TERMS.reconnectGrace()));
            world.clock.advance(FakeWorld.TERMS.reconnectGrace());
            assertThat(sweep()).as("only the unaccepted assignment has expired yet").isEqualTo(1);
            assertThat(world.db.task(waiting.id()).status()).isEqualTo(TaskStatus.PENDING);
            world.clock.advance(Duration.ofMillis(1));
            assertThat(sweep()).isEqualTo(1);
            assertThat(world.db.task(started.id()).status()).isEqualTo(TaskStatus.PENDING);
            assertThat(world.db.task(waiting.id()).status()).isEqualTo(TaskStatus.PENDING);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.OFFLINE);
            assertThat(world.channel.cancels()).hasSize(2);
            assertThat(world.channel.deliveredCancels()).isEmpty();
        }

        @Test
        void a_bot_deleted_while_connected_disconnects_without_failure() {
            connect();
            world.bots.delete(bot.id()).await().indefinitely();

            connections.disconnected(bot.id()).await().indefinitely();

            assertThat(world.db.bot(bot.id())).isNull();
        }
    }

    @Nested
    class Presence {

        @Test
        void connecting_records_the_bot_on_this_replica_and_leaving_forgets_it() {
            connect();

            assertThat(world.presence.entries).containsEntry(bot.id(), FakeBotPresence.SELF);

            disconnect();

            assertThat(world.presence.entries).doesNotContainKey(bot.id());
        }

        @Test
        void a_heartbeat_records_the_bot_again_after_its_entry_was_lost() {
            connect();
            world.presence.entries.clear();

            connections.heartbeat(bot.id(), List.of()).await().indefinitely();

            assertThat(world.presence.entries).containsEntry(bot.id(), FakeBotPresence.SELF);
        }

        @Test
        void an_unknown_bot_is_not_recorded() {
            BotId unknown = new BotId(new UUID(9, 9));

            assertThatThrownBy(() -> connections.connected(stranger(unknown)).await().indefinitely())
                    .isInstanceOf(NotFoundException.class);
            assertThat(world.presence.entries).doesNotContainKey(unknown);
        }
    }

    @Nested
    class HotPath {

        @Test
        void completing_a_held_task_writes_it_once_and_frees_the_full_bots_slot() {
            connect();
            Task first = running();
            assigned();
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
            world.signal.reset();

            Reported done = completed(first.id(), first.attempt(), Map.of("ok", true));

            assertThat(done.duplicate()).isFalse();
            assertThat(done.task().status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(world.db.task(first.id()).result()).containsEntry("ok", true);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
            assertThat(world.signal.count()).as("the freed slot is signalled").isEqualTo(1);
            assertThat(world.signal.localOnly()).as("to this replica alone: only its bots can use it").isEqualTo(1);
        }

        @Test
        void ending_a_task_of_a_concurrency_key_tells_every_replica_the_key_has_room() {
            connect();
            Task keyed = app.submit.submit(new SubmitTaskCommand(TaskSpec.of("render", null, Map.of(), null), null,
                    null, true, true, new ConcurrencyLimit("customer:1", 1), null)).await().indefinitely().resource();
            dispatcher.dispatch().await().indefinitely();
            assertThat(world.db.task(keyed.id()).botId()).isEqualTo(bot.id());
            world.signal.reset();

            completed(keyed.id(), 1, Map.of());

            assertThat(world.signal.count()).as("the freed slots are signalled").isEqualTo(1);
            assertThat(world.signal.localOnly()).as("to every replica: a bot anywhere may wait for the key")
                    .isZero();
        }

        @Test
        void a_report_the_statement_does_not_match_is_decided_the_full_way() {
            connect();
            Task task = running();
            completed(task.id(), task.attempt(), Map.of("v", 1));

            Reported again = completed(task.id(), task.attempt(), Map.of("v", 2));

            assertThat(again.duplicate()).isTrue();
            assertThat(world.db.task(task.id()).result()).containsEntry("v", 1);
            assertThatThrownBy(() -> completed(task.id(), task.attempt() + 1, Map.of()))
                    .isInstanceOf(InvalidTransitionException.class).hasMessageContaining("Stale attempt");
        }
    }

    @Nested
    class ReleaseUnaccepted {

        @Test
        void assignments_not_accepted_yet_go_back_to_pending_and_running_work_stays() {
            connect();
            Task waiting = assigned();
            Task started = running();
            Bot other = world.onlineBot("c3po", "render");
            world.channel.connect(other, world.clock.instant());
            Task othersTask = submit();
            dispatcher.dispatch().await().indefinitely();
            assertThat(world.db.task(othersTask.id()).botId()).isEqualTo(other.id());

            int released = connections.releaseUnaccepted(bot.id()).await().indefinitely();

            assertThat(released).isEqualTo(1);
            assertThat(world.db.task(waiting.id()).status()).isEqualTo(TaskStatus.PENDING);
            assertThat(world.db.task(waiting.id()).botId()).isNull();
            assertThat(world.db.task(started.id()).status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(world.db.task(othersTask.id()).status()).isEqualTo(TaskStatus.ASSIGNED);
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
            assertThat(world.channel.deliveredCancels()).singleElement()
                    .satisfies(c -> assertThat(c.task().id()).isEqualTo(waiting.id()));
            assertThat(connections.releaseUnaccepted(bot.id()).await().indefinitely()).isZero();
        }
    }

    @Nested
    class Heartbeats {

        @Test
        void a_heartbeat_keeps_running_tasks_from_expiring() {
            connect();
            Task started = running();
            Instant at = world.clock.advance(FakeWorld.TERMS.lease().minusSeconds(5));

            Bot beat = connections.heartbeat(bot.id()).await().indefinitely();
            world.clock.advance(FakeWorld.TERMS.lease().minusSeconds(5));

            assertThat(beat.lastHeartbeatAt()).isEqualTo(at);
            assertThat(sweep()).isZero();
            assertThat(world.db.task(started.id()).status()).isEqualTo(TaskStatus.IN_PROGRESS);
        }

        @Test
        void a_heartbeat_that_names_its_tasks_renews_only_those() {
            connect();
            connections.setSlots(bot.id(), 2).await().indefinitely();
            world.channel.connect(bot.id(), List.of(bot.capabilities().toArray(String[]::new)), 2,
                    world.clock.instant());
            Task known = running();
            Task forgotten = running();
            world.clock.advance(FakeWorld.TERMS.lease().minusSeconds(5));

            connections.heartbeat(bot.id(), List.of(new TaskLeases.Running(known.id(), known.attempt()),
                    new TaskLeases.Running(forgotten.id(), forgotten.attempt() + 1))).await().indefinitely();
            world.clock.advance(Duration.ofSeconds(6));

            assertThat(sweep()).as("the task named at another attempt is not the bot's").isEqualTo(1);
            assertThat(world.db.task(known.id()).status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(world.db.task(forgotten.id()).status()).isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void without_a_heartbeat_a_running_task_expires() {
            connect();
            Task started = running();
            world.clock.advance(FakeWorld.TERMS.lease().plusSeconds(1));

            assertThat(sweep()).isEqualTo(1);
            assertThat(world.db.task(started.id()).status()).isEqualTo(TaskStatus.PENDING);
        }

        @Test
        void a_heartbeat_does_not_excuse_an_assignment_that_was_never_accepted() {
            connect();
            Task waiting = assigned();
            world.clock.advance(FakeWorld.TERMS.ackTimeout().minusSeconds(1));
            connections.heartbeat(bot.id()).await().indefinitely();
            world.clock.advance(Duration.ofSeconds(2));

            assertThat(sweep()).isEqualTo(1);
            assertThat(world.db.task(waiting.id()).status()).isEqualTo(TaskStatus.PENDING);
        }
    }

    @Nested
    class Slots {

        @Test
        void more_slots_free_a_busy_bot_and_signal_work() {
            connect();
            assigned();
            assigned();
            assertThat(world.db.bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
            world.signal.reset();

            Bot resized = connections.setSlots(bot.id(), 3).await().indefinitely();

            assertThat(resized.slots()).isEqualTo(3);
            assertThat(resized.status()).isEqualTo(BotStatus.ONLINE);
            assertThat(world.signal.count()).isEqualTo(1);
        }
    }

    @Nested
    class Reports {

        @BeforeEach
        void the_bot_is_connected() {
            connect();
        }

        @Test
        void accepting_an_assignment_starts_the_task_on_behalf_of_the_bot() {
            Task task = assigned();

            Reported reported = accepted(task.id(), task.attempt());

            assertThat(reported.duplicate()).isFalse();
            assertThat(reported.task().status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(world.db.task(task.id()).status()).isEqualTo(TaskStatus.IN_PROGRESS);
            assertThat(world.db.history(task.id())).last()
                    .satisfies(e -> assertThat(e.actor()).isEqualTo(Actor.bot(bot.id())));
            assertThat(world.db.leaseExpiresAt(task.id()))
                    .isEqualTo(world.clock.instant().plus(FakeWorld.TERMS.lease()));
        }

        @Test
        void accepting_again_is_a_duplicate() {
            Task task = assigned();
            accepted(task.id(), task.attempt());

            Reported again = accepted(task.id(), task.attempt());

            assertThat(again.duplicate()).isTrue();
            assertThat(again.task()).isEqualTo(world.db.task(task.id()));
        }

        @Test
        void accepting_another_attempt_is_refused() {
            Task task = assigned();

            assertThatThrownBy(() -> accepted(task.id(), task.attempt() + 1))
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageStartingWith("Stale attempt 2");
            assertThat(world.db.task(task.id()).status()).isEqualTo(TaskStatus.ASSIGNED);
        }

        @Test
        void a_bot_cannot_accept_a_task_assigned_to_another() {
            Task task = assigned();
            BotId other = world.onlineBot("c3po", "render").id();

            assertThatThrownBy(() -> connections.accepted(other, task.id(), task.attempt()).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("is not assigned to bot " + other);
        }

        @Test
        void completing_stores_the_result_frees_the_slot_and_a_repeat_is_a_duplicate() {
            Task task = running();
            world.signal.reset();

            Reported done = completed(task.id(), task.attempt(), Map.of("frames", 24));
            Reported again = completed(task.id(), task.attempt(), Map.of("frames", 99));

            assertThat(done.duplicate()).isFalse();
            assertThat(done.task().status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(again.duplicate()).isTrue();
            assertThat(again.task().result()).containsEntry("frames", 24);
            assertThat(world.db.task(task.id()).result()).containsEntry("frames", 24);
            assertThat(world.db.history(task.id())).filteredOn(e -> e.to() == TaskStatus.COMPLETED).hasSize(1);
            assertThat(world.db.leaseExpiresAt(task.id())).isNull();
            assertThat(world.signal.count()).isEqualTo(1);
        }

        @Test
        void a_completion_without_an_attempt_is_fenced_by_the_bot_alone() {
            Task task = assigned();

            Reported done = completed(task.id(), null, Map.of());

            assertThat(done.task().status()).isEqualTo(TaskStatus.COMPLETED);
            assertThat(done.duplicate()).isFalse();
        }

        @Test
        void a_completion_for_a_stale_attempt_changes_nothing() {
            Task task = running();

            assertThatThrownBy(() -> completed(task.id(), task.attempt() - 1, Map.of()))
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageStartingWith("Stale attempt 0");
            assertThat(world.db.task(task.id())).isEqualTo(task);
        }

        @Test
        void a_completion_from_a_bot_that_does_not_hold_the_task_is_refused() {
            Task task = running();
            BotId other = world.onlineBot("c3po", "render").id();

            assertThatThrownBy(() -> connections.completed(other, task.id(), task.attempt(), Map.of())
                    .await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("is not assigned to bot " + other);
            assertThat(world.db.task(task.id()).status()).isEqualTo(TaskStatus.IN_PROGRESS);
        }

        @Test
        void failing_with_retries_left_schedules_a_retry_and_a_repeat_is_a_duplicate() {
            Task task = running();

            Reported failed = connections.failed(bot.id(), task.id(), task.attempt(), "out of memory", null)
                    .await().indefinitely();
            Reported again = connections.failed(bot.id(), task.id(), task.attempt(), "disk full", null)
                    .await().indefinitely();

            assertThat(failed.duplicate()).isFalse();
            assertThat(failed.task().status()).isEqualTo(TaskStatus.PENDING);
            // The built-in policy's first backoff is 1 s, less the 20 % jitter at the world's draw of 0.5.
            assertThat(failed.task().runAt()).isEqualTo(world.clock.instant().plusMillis(900));
            assertThat(again.duplicate()).isTrue();
            assertThat(again.task().error()).isEqualTo("out of memory");
        }

        @Test
        void progress_on_a_running_task_renews_its_lease() {
            Task task = running();
            Instant at = world.clock.advance(FakeWorld.TERMS.lease().minusSeconds(1));

            Task answer = connections.progress(bot.id(), task.id(), task.attempt(), null).await().indefinitely();

            assertThat(answer).isEqualTo(world.db.task(task.id()));
            assertThat(world.db.leaseExpiresAt(task.id())).isEqualTo(at.plus(FakeWorld.TERMS.lease()));
            world.clock.advance(FakeWorld.TERMS.lease().minusSeconds(1));
            assertThat(sweep()).isZero();
        }

        @Test
        void progress_with_data_is_kept_as_the_tasks_latest_and_bad_percentages_are_refused() {
            Task task = running();

            Task answer = connections.progress(bot.id(), task.id(), task.attempt(),
                    Map.of("percent", 55.5, "message", "linking")).await().indefinitely();

            assertThat(answer.progress().percent()).isEqualTo(55.5);
            assertThat(world.db.task(task.id()).progress().message()).isEqualTo("linking");
            assertThatThrownBy(() -> connections.progress(bot.id(), task.id(), task.attempt(),
                    Map.of("percent", 101)).await().indefinitely())
                    .isInstanceOf(ValidationException.class).hasMessageContaining("progress.percent");
            assertThat(world.db.task(task.id()).progress().percent()).isEqualTo(55.5);
        }

        @Test
        void progress_on_a_task_that_was_not_accepted_is_refused() {
            Task task = assigned();

            assertThatThrownBy(
                    () -> connections.progress(bot.id(), task.id(), task.attempt(), null).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessage("Task " + task.id() + " is assigned; only a running task reports progress");
        }

        @Test
        void progress_on_a_task_the_bot_does_not_hold_is_refused() {
            Task othersTask = running();
            Task pending = submit();
            BotId other = world.onlineBot("c3po", "render").id();

            assertThatThrownBy(() -> connections.progress(bot.id(), pending.id(), 0, null).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessage("Task " + pending.id() + " is not assigned to bot " + bot.id());
            assertThatThrownBy(() -> connections.progress(other, othersTask.id(), othersTask.attempt(), null)
                    .await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessage("Task " + othersTask.id() + " is not assigned to bot " + other);
            assertThat(world.db.leaseExpiresAt(othersTask.id()))
                    .isEqualTo(world.clock.instant().plus(FakeWorld.TERMS.lease()));
        }

        @Test
        void progress_for_a_stale_attempt_is_refused() {
            Task task = running();

            assertThatThrownBy(() -> connections.progress(bot.id(), task.id(), 7, null).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessage("Stale attempt 7 for task " + task.id() + "; the current attempt is 1");
        }

        @Test
        void progress_on_a_finished_task_is_refused() {
            Task task = running();
            completed(task.id(), task.attempt(), Map.of());

            assertThatThrownBy(
                    () -> connections.progress(bot.id(), task.id(), task.attempt(), null).await().indefinitely())
                    .isInstanceOf(InvalidTransitionException.class)
                    .hasMessageContaining("is completed");
        }

        @Test
        void progress_on_an_unknown_task_is_not_found() {
            assertThatThrownBy(() -> connections.progress(bot.id(), new TaskId(new UUID(9, 9)), 1, null)
                    .await().indefinitely())
                    .isInstanceOf(NotFoundException.class);
        }
    }

    private static io.smallrye.mutiny.Uni<io.clawbot.coordinator.domain.task.Task> reportTask(UseCases app,
            io.clawbot.coordinator.application.task.TaskReport report) {
        return app.report.report(report).map(io.clawbot.coordinator.application.task.Reported::task);
    }
}
