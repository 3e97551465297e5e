package io.clawbot.coordinator.domain.insight;

import static io.clawbot.coordinator.domain.testing.Tasks.aTask;
import static org.assertj.core.api.Assertions.assertThat;

import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.insight.Explanation.Reason;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.policy.KeyPolicy;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.RateLimit;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExplanationTest {

    private static final Instant NOW = Instant.parse("2026-03-14T08:00:00Z");
    private static final Capacity ROOM = new Capacity(2, 2, 4, 1);

    private static List<String> codes(Explanation e) {
        return e.reasons().stream().map(Reason::code).toList();
    }

    @Test
    void a_pending_task_with_room_is_about_to_be_dispatched() {
        Explanation e = Explanation.of(aTask().typed("build").pending().build(), NOW, ROOM, 0L, null);
        assertThat(codes(e)).containsExactly(Explanation.ABOUT_TO_BE_DISPATCHED);
        assertThat(e.capacity()).isEqualTo(ROOM);
        assertThat(e.ahead()).isZero();
    }

    @Test
    void no_bot_registered_none_connected_and_all_busy_are_told_apart() {
        Task task = aTask().typed("render").pending().build();
        assertThat(codes(Explanation.of(task, NOW, new Capacity(0, 0, 0, 0), 0L, null)))
                .containsExactly(Explanation.NO_BOT_REGISTERED);
        assertThat(Explanation.of(task, NOW, new Capacity(0, 0, 0, 0), 0L, null).reasons().getFirst().message())
                .contains("'render'");
        assertThat(codes(Explanation.of(task, NOW, new Capacity(3, 0, 0, 0), 0L, null)))
                .containsExactly(Explanation.NO_BOT_CONNECTED);
        Explanation busy = Explanation.of(task, NOW, new Capacity(3, 2, 4, 4), 7L, null);
        assertThat(codes(busy)).containsExactly(Explanation.ALL_BUSY);
        assertThat(busy.reasons().getFirst().message()).contains("4 task(s) in 4 slot(s)").contains("7 task(s)");
    }

    @Test
    void a_task_of_a_paused_type_says_so_first_by_whom_since_when_and_why() {
        Task task = aTask().typed("build").pending().build();
        DispatchPolicy paused = DispatchPolicy.none("build").pausedBy(Actor.key("ops"), "registry down", NOW);

        Explanation e = Explanation.of(task, NOW, ROOM, 0L, null, paused);

        assertThat(codes(e)).containsExactly(Explanation.PAUSED);
        assertThat(e.reasons().getFirst().message()).contains("'build'", "key:ops", NOW.toString(), "registry down",
                "/api/v1/policies/task-types/build/resume");
        assertThat(codes(Explanation.of(task, NOW, new Capacity(3, 0, 0, 0), 0L, null, paused)))
                .containsExactly(Explanation.PAUSED, Explanation.NO_BOT_CONNECTED);
        assertThat(codes(Explanation.of(task, NOW, ROOM, 0L, null, paused.resumed(NOW))))
                .containsExactly(Explanation.ABOUT_TO_BE_DISPATCHED);
        assertThat(codes(Explanation.of(aTask().typed("other").pending().build(), NOW, ROOM, 0L, null, paused)))
                .as("another type's task").containsExactly(Explanation.ABOUT_TO_BE_DISPATCHED);
    }

    @Test
    void a_task_of_a_key_at_its_limit_names_the_holders_and_the_limit_its_key_s_policy_sets() {
        Task task = aTask().typed("build").pending().build().limitedBy(new ConcurrencyLimit("acme", 3));
        List<TaskId> two = List.of(new TaskId(UUID.randomUUID()), new TaskId(UUID.randomUUID()));

        assertThat(codes(Explanation.of(task, NOW, ROOM, 0L, null, new Explanation.Limits(null, null, two, null))))
                .as("2 held of the task's limit of 3").containsExactly(Explanation.ABOUT_TO_BE_DISPATCHED);
        Explanation lowered = Explanation.of(task, NOW, ROOM, 0L, null,
                new Explanation.Limits(null, KeyPolicy.none("acme").limitedTo(2, NOW), two, null));
        assertThat(codes(lowered)).containsExactly(Explanation.AT_CONCURRENCY_LIMIT);
        assertThat(lowered.reasons().getFirst().message()).contains("'acme'", "limit of 2 (the key's policy)",
                two.getFirst().toString());
        assertThat(codes(Explanation.of(task, NOW, ROOM, 0L, null, new Explanation.Limits(null,
                KeyPolicy.none("acme").limitedTo(5, NOW), List.of(two.getFirst(), two.getLast(), two.getFirst()),
                null)))).as("raised above the task's")
                .containsExactly(Explanation.ABOUT_TO_BE_DISPATCHED);
    }

    @Test
    void a_task_of_a_paused_key_says_so_by_whom_since_when_and_why() {
        Task task = aTask().typed("build").pending().build().limitedBy(new ConcurrencyLimit("acme", 3));
        KeyPolicy paused = KeyPolicy.none("acme").pausedBy(Actor.key("ops"), "customer asked", NOW);

        Explanation e = Explanation.of(task, NOW, ROOM, 0L, null,
                new Explanation.Limits(null, paused, List.of(), null));

        assertThat(codes(e)).containsExactly(Explanation.KEY_PAUSED);
        assertThat(e.reasons().getFirst().message()).contains("'acme'", "key:ops", NOW.toString(), "customer asked",
                "/resume");
        assertThat(codes(Explanation.of(task, NOW, ROOM, 0L, null,
                new Explanation.Limits(null, paused.resumed(NOW), List.of(), null))))
                .containsExactly(Explanation.ABOUT_TO_BE_DISPATCHED);
    }

    @Test
    void a_task_of_a_rate_limit_key_whose_bucket_is_empty_says_when_the_next_may_go() {
        Task task = aTask().typed("sync").pending().build().ratedBy(new RateLimit("api:acme", 2, 3));

        // Three dispatched at NOW: the bucket is 1.5 s ahead, and lets the next go at NOW + 0.5 s.
        Explanation empty = Explanation.of(task, NOW, ROOM, 0L, null,
                new Explanation.Limits(null, null, null, NOW.plusMillis(1500)));
        assertThat(codes(empty)).containsExactly(Explanation.RATE_LIMITED);
        assertThat(empty.rateLimitedUntil()).isEqualTo(NOW.plusMillis(500));
        assertThat(empty.reasons().getFirst().message()).contains("'api:acme'", NOW.plusMillis(500).toString());
        Explanation room = Explanation.of(task, NOW, ROOM, 0L, null,
                new Explanation.Limits(null, null, null, NOW.plusMillis(900)));
        assertThat(codes(room)).as("room for one more").containsExactly(Explanation.ABOUT_TO_BE_DISPATCHED);
        assertThat(room.rateLimitedUntil()).isNull();
        assertThat(codes(Explanation.of(task, NOW, ROOM, 0L, null, Explanation.Limits.NONE))).as("a full bucket")
                .containsExactly(Explanation.ABOUT_TO_BE_DISPATCHED);
    }

    @Test
    void a_task_behind_more_tasks_than_free_slots_says_so() {
        Explanation e = Explanation.of(aTask().typed("build").pending().build(), NOW, ROOM, 3L, null);
        assertThat(codes(e)).containsExactly(Explanation.BEHIND_OTHERS);
        assertThat(e.reasons().getFirst().message()).contains("3 task(s)").contains("3 free slot(s)");
    }

    @Test
    void a_delayed_task_says_until_when_beside_the_state_of_its_bots() {
        Instant later = NOW.plusSeconds(90);
        Explanation e = Explanation.of(aTask().typed("build").pending().runAt(later).build(), NOW,
                new Capacity(0, 0, 0, 0), 0L, null);
        assertThat(codes(e)).containsExactly(Explanation.DELAYED, Explanation.NO_BOT_REGISTERED);
        assertThat(e.reasons().getFirst().message()).contains(later.toString());
        assertThat(codes(Explanation.of(aTask().pending().runAt(NOW.minusSeconds(1)).build(), NOW, ROOM, 0L,
                null))).containsExactly(Explanation.ABOUT_TO_BE_DISPATCHED);
    }

    @Test
    void a_waiting_step_names_what_it_waits_for_and_other_states_say_what_they_are() {
        Explanation waiting = Explanation.of(aTask().waiting().build(), NOW, null, null, List.of("build", "test"));
        assertThat(codes(waiting)).containsExactly(Explanation.WAITING_FOR_STEPS);
        assertThat(waiting.reasons().getFirst().message()).endsWith("build, test");
        assertThat(waiting.capacity()).isNull();

        BotId bot = new BotId(UUID.randomUUID());
        assertThat(codes(Explanation.of(aTask().assignedTo(bot, 1).build(), NOW, null, null, null)))
                .containsExactly(Explanation.ASSIGNED);
        assertThat(codes(Explanation.of(aTask().cancelled("no").build(), NOW, null, null, null)))
                .containsExactly(Explanation.ENDED);
    }
}
