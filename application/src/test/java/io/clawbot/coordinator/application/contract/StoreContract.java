package io.clawbot.coordinator.application.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.common.ConflictException;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKey;
import io.clawbot.coordinator.domain.common.IdempotencyKeyReusedException;
import io.clawbot.coordinator.domain.common.Transition;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.id.WorkflowId;
import io.clawbot.coordinator.domain.lifecycle.TaskChanges;
import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.policy.KeyPolicy;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import io.clawbot.coordinator.domain.task.RateLimit;
import io.clawbot.coordinator.domain.task.FairShare;
import io.clawbot.coordinator.domain.task.FastPath;
import io.clawbot.coordinator.domain.task.Fence;
import io.clawbot.coordinator.domain.task.HeldReport;
import io.clawbot.coordinator.domain.task.RetryPolicy;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.workflow.DagPlan;
import io.clawbot.coordinator.domain.workflow.StepDefinition;
import io.clawbot.coordinator.domain.workflow.Workflow;
import io.clawbot.coordinator.domain.workflow.WorkflowDefinition;
import io.clawbot.coordinator.domain.workflow.WorkflowStatus;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every implementation of the task stores must do, run against the in-memory stores (which carry out the
 * domain's rules as written: {@link FastPath}, the task's transitions, {@link DagPlan}) and against PostgreSQL
 * (whose hot path is set-based SQL). The hot path's claims and one-statement reports are held to the outcome the
 * domain's own transitions give, case by case; the unit of work to its all-or-nothing, versioned writes and its
 * workflow lock; the leases to their renewals and expiry. Races are run for real: against PostgreSQL the threads
 * meet in the database.
 *
 * <p>
 * Every test makes its own task types and bots, so that tests against one database do not see each other's work.
 */
public abstract class StoreContract {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int RACERS = 8;

    /** The stores under test; one database for the whole test. */
    protected abstract Stores stores();

    private Stores s;

    private Stores s() {
        if (s == null) {
            s = stores();
        }
        return s;
    }

    // ---- reading and writing through the ports

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(WAIT);
    }

    private Instant now() {
        return s().now();
    }

    private Task task(TaskId id) {
        return await(s().tasks().findById(id));
    }

    private Bot bot(BotId id) {
        return await(s().bots().findById(id));
    }

    private List<TaskTransitioned> history(TaskId id) {
        return await(s().tasks().history(id));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A registered bot that sent its heartbeat, with {@code slots} slots. */
    private Bot onlineBot(int slots, String... capabilities) {
        Bot registered = await(s().bots().register(Bot.register(new BotId(UUID.randomUUID()), unique("contract-bot"),
                List.of(capabilities), Map.of(), now()), unique("hash")));
        Bot online = await(s().bots().recordHeartbeat(registered.heartbeat(now()), registered.version()));
        if (slots == online.slots()) {
            return online;
        }
        return await(s().bots().updateStatus(online.withSlots(slots, 0, now()), online.version()));
    }

    private Task newTask(String type, int priority, int maxAttempts) {
        TaskSpec spec = TaskSpec.of(type, priority, Map.of("n", 1), 60)
                .withTiming(new RetryPolicy.Overrides(maxAttempts, null, null, null, null, null), null, null, null);
        Task task = Task.create(new TaskId(UUID.randomUUID()), spec, now());
        return await(s().tasks().create(task, TaskTransitioned.created(task, Actor.api()), null)).resource();
    }

    private Task pending(String type, int priority) {
        return newTask(type, priority, 3);
    }

    private Task delayed(String type) {
        TaskSpec spec = TaskSpec.of(type, 0, Map.of(), 60).withTiming(null, null, now().plus(Duration.ofHours(1)),
                null);
        Task task = Task.create(new TaskId(UUID.randomUUID()), spec, now());
        return await(s().tasks().create(task, TaskTransitioned.created(task, Actor.api()), null)).resource();
    }

    /** A two-step run of {@code type}, started: its first step pending, the second waiting. */
    private List<Task> twoStepRun(String type, int maxAttempts) {
        return run(WorkflowDefinition.linear(unique("contract-run"), null, List.of(
                step(type, maxAttempts), step(type, maxAttempts))));
    }

    private static TaskSpec step(String type, int maxAttempts) {
        return TaskSpec.of(type, 0, Map.of(), 60)
                .withTiming(new RetryPolicy.Overrides(maxAttempts, null, null, null, null, null), null, null, null);
    }

    /** A started run of {@code definition}; its steps in their order. */
    private List<Task> run(WorkflowDefinition definition) {
        Instant now = now();
        WorkflowId id = new WorkflowId(UUID.randomUUID());
        List<Task> waiting = new ArrayList<>();
        for (int i = 0; i < definition.steps().size(); i++) {
            TaskSpec spec = definition.steps().get(i).spec();
            waiting.add(Task.createStep(new TaskId(UUID.randomUUID()), spec, RetryPolicy.DEFAULT.with(spec.retry()),
                    id, i, false, now));
        }
        List<Task> steps = DagPlan.initial(definition, Map.of(), waiting, true, now);
        Workflow workflow = Workflow.create(id, definition, Map.of(), Map.of(), steps.stream().map(Task::id).toList(),
                true, now);
        await(s().workflows().create(workflow, steps,
                steps.stream().map(t -> TaskTransitioned.created(t, Actor.api())).toList(), null));
        return steps.stream().map(t -> task(t.id())).toList();
    }

    /** Writes the transition through the unit of work, on its own; the task as stored after it. */
    private Task write(Task before, Transition<Task> transition, Actor actor) {
        await(s().unitOfWork().apply(TaskChanges.builder()
                .task(before, transition.orThrow(), actor, "set up by the contract").build()));
        return task(before.id());
    }

    private Task assigned(Task pending, Bot bot) {
        return write(pending, pending.assign(bot, now()), Actor.api());
    }

    private Task running(Task assigned, Bot bot) {
        return write(assigned, assigned.start(new Fence(assigned.attempt(), bot.id()), now()), Actor.bot(bot.id()));
    }

    private List<Task> claim(Bot bot, int slots) {
        return await(s().queue().claim(bot.id(), bot.capabilities(), slots));
    }

    // ---- claims

    @Test
    void a_claim_takes_the_tasks_the_bot_may_claim_highest_priority_first_then_oldest() {
        String type = unique("contract-claim");
        Bot bot = onlineBot(3, type);
        Task low = pending(type, 0);
        s().pass(Duration.ofMillis(2));
        Task high = pending(type, 5);
        s().pass(Duration.ofMillis(2));
        Task laterHigh = pending(type, 5);
        pending(unique("contract-other"), 9);
        delayed(type);
        Task heldByAnother = assigned(pending(type, 9), onlineBot(1, type));

        List<Task> claimed = claim(bot, 3);

        assertThat(claimed).extracting(Task::id).containsExactly(high.id(), laterHigh.id(), low.id());
        assertThat(task(heldByAnother.id()).attempt()).isEqualTo(1);
        assertThat(claim(bot, 10)).as("nothing more the bot may claim").isEmpty();
    }

    @Test
    void a_bot_of_several_types_takes_their_tasks_merged_in_claim_order_each_once() {
        String first = unique("contract-merge");
        String second = unique("contract-merge");
        Bot bot = onlineBot(4, first, second, first);
        Task a = pending(first, 1);
        s().pass(Duration.ofMillis(2));
        Task b = pending(second, 7);
        s().pass(Duration.ofMillis(2));
        Task c = pending(first, 7);
        s().pass(Duration.ofMillis(2));
        Task d = pending(second, 1);
        s().pass(Duration.ofMillis(2));
        Task e = pending(first, 0);

        assertThat(claim(bot, 4)).extracting(Task::id).containsExactly(b.id(), c.id(), a.id(), d.id());
        assertThat(claim(bot, 5)).as("one slot more").extracting(Task::id).containsExactly(e.id());
    }

    @Test
    void a_claimed_task_is_what_the_domain_makes_of_it_with_its_history_and_an_acknowledgement_lease() {
        String type = unique("contract-claim");
        Bot bot = onlineBot(1, type);
        Task pending = pending(type, 0);
        Instant before = now();

        Task claimed = claim(bot, 1).getFirst();

        Task expected = pending.claimBy(bot.id(), before);
        assertSameOutcome(claimed, expected);
        assertThat(claimed.version()).isEqualTo(pending.version() + 1);
        assertSameOutcome(task(pending.id()), expected);
        TaskTransitioned entry = history(pending.id()).getLast();
        assertThat(entry).extracting(TaskTransitioned::from, TaskTransitioned::to, TaskTransitioned::attempt,
                TaskTransitioned::actor, TaskTransitioned::cause, TaskTransitioned::reason)
                .containsExactly(TaskStatus.PENDING, TaskStatus.ASSIGNED, 1, Actor.system(), "assigned",
                        "dispatched to bot " + bot.id());
        assertLeaseAbout(pending.id(), before, s().terms().ackTimeout());
        assertHistoryInOrder(pending.id());
    }

    @Test
    void an_untyped_task_is_claimed_by_any_bot() {
        Task untyped = pending(null, 0);
        Bot bot = onlineBot(1, unique("contract-any"));

        assertThat(claim(bot, 1)).extracting(Task::id).containsExactly(untyped.id());
    }

    @Test
    void a_claim_takes_no_more_than_the_free_slots_and_a_full_bot_becomes_busy() {
        String type = unique("contract-slots");
        Bot bot = onlineBot(2, type);
        assigned(pending(type, 0), bot);
        pending(type, 0);
        pending(type, 0);

        assertThat(claim(bot, 2)).hasSize(1);

        assertThat(bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
        assertThat(claim(bot, 2)).isEmpty();
    }

    @Test
    void a_bot_with_a_slot_left_after_its_claim_stays_online() {
        String type = unique("contract-slots");
        Bot bot = onlineBot(3, type);
        pending(type, 0);

        assertThat(claim(bot, 3)).hasSize(1);

        assertThat(bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
    }

    @Test
    void claiming_a_step_puts_its_pending_workflow_in_progress() {
        String type = unique("contract-step");
        List<Task> steps = twoStepRun(type, 3);
        assertThat(await(s().workflows().findById(steps.getFirst().workflowId())).status())
                .isEqualTo(WorkflowStatus.PENDING);

        assertThat(claim(onlineBot(1, type), 1)).extracting(Task::id).containsExactly(steps.getFirst().id());

        assertThat(await(s().workflows().findById(steps.getFirst().workflowId())).status())
                .isEqualTo(WorkflowStatus.IN_PROGRESS);
    }

    @Test
    void bots_claiming_at_once_take_each_task_once_and_never_beyond_their_slots() throws Exception {
        String type = unique("contract-race");
        int tasks = 40;
        for (int i = 0; i < tasks; i++) {
            pending(type, i % 3);
        }
        List<Bot> bots = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            bots.add(onlineBot(3, type));
        }

        List<List<Task>> claims = race(bots.size(), i -> {
            List<Task> mine = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                mine.addAll(claim(bots.get(i), 3));
            }
            return mine;
        });

        List<TaskId> all = claims.stream().flatMap(List::stream).map(Task::id).toList();
        assertThat(all).doesNotHaveDuplicates().hasSize(RACERS * 3);
        for (int i = 0; i < bots.size(); i++) {
            assertThat(claims.get(i)).as("bot %d's claims", i).hasSizeLessThanOrEqualTo(3)
                    .allSatisfy(t -> assertThat(t.attempt()).isEqualTo(1));
        }
        for (TaskId id : all) {
            assertThat(history(id)).filteredOn(e -> e.to() == TaskStatus.ASSIGNED).hasSize(1);
        }
    }

    // ---- dispatch policies

    private DispatchPolicy policy(String type) {
        DispatchPolicy stored = await(s().policies().find(type));
        return stored == null ? DispatchPolicy.none(type) : stored;
    }

    /** Pauses {@code type} as the use case does: the write, then the wait for the claims under way. */
    private DispatchPolicy pause(String type) {
        DispatchPolicy current = policy(type);
        DispatchPolicy paused = await(s().policies().save(current.pausedBy(Actor.key("contract"), "contract", now()),
                current.version()));
        await(s().policies().awaitClaimsUnderWay());
        return paused;
    }

    private DispatchPolicy resume(String type) {
        DispatchPolicy current = policy(type);
        return await(s().policies().save(current.resumed(now()), current.version()));
    }

    @Test
    void a_claim_passes_over_a_paused_type_and_takes_its_tasks_in_claim_order_once_it_is_resumed() {
        String paused = unique("contract-paused");
        String other = unique("contract-other");
        Bot bot = onlineBot(10, paused, other);
        Task first = pending(paused, 5);
        s().pass(Duration.ofMillis(2));
        Task second = pending(paused, 5);
        Task otherTask = pending(other, 0);
        Task untyped = pending(null, 9);

        pause(paused);

        assertThat(claim(bot, 10)).as("the other type's task and the untyped one; none of the paused type")
                .extracting(Task::id).contains(otherTask.id(), untyped.id())
                .doesNotContain(first.id(), second.id());
        assertThat(task(first.id()).status()).isEqualTo(TaskStatus.PENDING);

        resume(paused);

        assertThat(claim(bot, 10)).extracting(Task::id).containsSubsequence(first.id(), second.id())
                .contains(first.id(), second.id());
    }

    @Test
    void a_policy_is_stored_with_a_version_and_a_write_from_a_stale_read_fails() {
        String type = unique("contract-policy");
        assertThat(await(s().policies().find(type))).isNull();

        DispatchPolicy paused = pause(type);

        assertThat(paused).extracting(DispatchPolicy::paused, DispatchPolicy::pauseReason, DispatchPolicy::pausedBy,
                DispatchPolicy::version).containsExactly(true, "contract", "key:contract", 1L);
        assertThat(await(s().policies().find(type))).isEqualTo(paused);
        assertThat(await(s().policies().list())).contains(paused);
        assertThatThrownBy(() -> await(s().policies().save(DispatchPolicy.none(type).pausedBy(Actor.system(), null,
                now()), 0))).isInstanceOf(ConflictException.class);

        DispatchPolicy resumed = resume(type);

        assertThat(resumed).extracting(DispatchPolicy::paused, DispatchPolicy::pausedAt, DispatchPolicy::version)
                .containsExactly(false, null, 2L);
        assertThatThrownBy(() -> await(s().policies().save(paused.resumed(now()), paused.version())))
                .isInstanceOf(ConflictException.class);
        assertThat(await(s().policies().find(type))).isEqualTo(resumed);
    }

    /**
     * Bots claim the type without pause while it is paused and resumed again and again: once a pause (the write
     * and the wait for the claims under way) has returned, no claim takes a task of the type until it is resumed,
     * and every task is claimed once in the end.
     */
    @Test
    void once_a_pause_has_returned_no_claim_takes_the_type_until_it_is_resumed() throws Exception {
        String type = unique("contract-pause-race");
        pauseRace(type, () -> pending(type, 0).id(), () -> pause(type), () -> resume(type));
    }

    /** As for a type: once a key's pause has returned, no claim takes the key's tasks until it is resumed. */
    @Test
    void once_a_key_s_pause_has_returned_no_claim_takes_its_tasks_until_it_is_resumed() throws Exception {
        String type = unique("contract-key-pause-race");
        String key = unique("key");
        pauseRace(type, () -> keyed(type, key, ConcurrencyLimit.MAX_MAX).id(), () -> pauseKey(key),
                () -> resumeKey(key));
    }

    /**
     * 400 tasks that {@code create} makes, claimed by racing bots of {@code type} while {@code pause} and
     * {@code resume} alternate: after each pause has returned, nothing more is taken until the resume.
     */
    private void pauseRace(String type, java.util.function.Supplier<TaskId> create, Runnable pause, Runnable resume)
            throws Exception {
        int tasks = 400;
        List<TaskId> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ids.add(create.get());
        }
        List<Bot> bots = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            bots.add(onlineBot(256, type));
        }
        pause.run();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService claimers = Executors.newFixedThreadPool(RACERS);
        List<Future<List<TaskId>>> claimed = new ArrayList<>();
        for (Bot bot : bots) {
            claimed.add(claimers.submit(() -> {
                List<TaskId> mine = new ArrayList<>();
                while (!stop.get() && mine.size() < 256) {
                    // One task a claim, and a short breath between claims, so that the tasks last the rounds.
                    claim(bot, mine.size() + 1).forEach(t -> mine.add(t.id()));
                    Thread.sleep(2);
                }
                return mine;
            }));
        }
        int rounds = 0;
        try {
            List<TaskId> takenAtPause = takenOf(ids);
            while (rounds < 15 && takenAtPause.size() < tasks - 4L * RACERS) {
                Thread.sleep(30);
                assertThat(takenOf(ids)).as("round %d: what claims took after the pause returned", rounds)
                        .containsExactlyInAnyOrderElementsOf(takenAtPause);
                resume.run();
                long wanted = Math.min(tasks, takenAtPause.size() + 2L * RACERS);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (takenOf(ids).size() < wanted && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                pause.run();
                takenAtPause = takenOf(ids);
                assertThat(takenAtPause).as("round %d: claims take the tasks again once resumed", rounds)
                        .hasSizeGreaterThanOrEqualTo((int) wanted);
                rounds++;
            }
        } finally {
            stop.set(true);
            claimers.shutdown();
        }
        assertThat(rounds).as("rounds of pause and resume with claims under way").isGreaterThanOrEqualTo(5);
        List<TaskId> all = new ArrayList<>();
        for (Future<List<TaskId>> f : claimed) {
            all.addAll(f.get());
        }
        assertThat(all).doesNotHaveDuplicates();
        for (TaskId id : all) {
            assertThat(history(id)).filteredOn(e -> e.to() == TaskStatus.ASSIGNED).hasSize(1);
        }
    }

    /** The tasks of {@code ids} that are no longer pending. */
    private List<TaskId> takenOf(List<TaskId> ids) {
        return await(s().tasks().findByIds(ids)).stream().filter(t -> t.status() != TaskStatus.PENDING)
                .map(Task::id).toList();
    }

    // ---- concurrency keys

    /** Creates {@code count} tasks of a fairness key in one batch, in order. */
    private List<Task> shared(String type, String key, int weight, int count) {
        List<TaskStore.NewTask> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Task task = Task.create(new TaskId(UUID.randomUUID()), TaskSpec.of(type, 0, Map.of("i", i), 60), now())
                    .sharing(key == null ? null : new FairShare(key, weight));
            batch.add(newTask(task, null));
        }
        await(s().tasks().createAll(batch));
        return batch.stream().map(TaskStore.NewTask::task).toList();
    }

    /** Claims and completes one task at a time, {@code count} times: the fairness keys in the order taken. */
    private List<String> takeOneByOne(Bot bot, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Task taken = claim(bot, 1).getFirst();
            keys.add(FairShare.keyOf(taken));
            completed(taken, bot);
        }
        return keys;
    }

    private static long count(List<String> keys, String key) {
        return keys.stream().filter(key::equals).count();
    }

    /**
     * A key of weight 3 whose 60 tasks all came first and a key of weight 1 are taken 3 to 1, in every stretch of
     * four claims; a key that arrives later gets its share at once (3:1:1), and tasks without a fairness key share
     * their type's default key, of weight 1.
     */
    @Test
    void keys_are_taken_in_proportion_to_their_weights_and_a_late_key_gets_its_share_at_once() {
        String type = unique("contract-fair");
        shared(type, "heavy", 3, 60);
        shared(type, "light", 1, 30);
        Bot bot = onlineBot(1, type);

        List<String> first = takeOneByOne(bot, 40);
        for (int end = 4; end <= first.size(); end += 4) {
            assertThat(count(first.subList(0, end), "light")).as("light tasks in the first %d", end)
                    .isBetween((long) end / 4 - 1, (long) end / 4 + 1);
        }

        shared(type, "late", 1, 20);
        List<String> next = takeOneByOne(bot, 25);
        // Tied with a task of each other key at its first tag, it comes at the latest sixth.
        assertThat(next.subList(0, 6)).as("the late key within its first six claims").contains("late");
        assertThat(count(next, "late")).as("late tasks in 25 claims (3:1:1)").isBetween(4L, 6L);
        assertThat(count(next, "light")).as("light tasks in 25 claims").isBetween(4L, 6L);
        assertThat(count(next, "heavy")).as("heavy tasks in 25 claims").isBetween(13L, 17L);

        String other = unique("contract-fair-default");
        shared(other, null, 1, 10);
        shared(other, "keyed", 1, 10);
        List<String> mixed = takeOneByOne(onlineBot(1, other), 10);
        assertThat(count(mixed, FairShare.DEFAULT_KEY)).as("tasks without a key among the first 10").isBetween(4L,
                6L);
    }

    private Task keyed(String type, String key, int max) {
        Task task = Task.create(new TaskId(UUID.randomUUID()), TaskSpec.of(type, 0, Map.of("n", 1), 60), now())
                .limitedBy(new ConcurrencyLimit(key, max));
        return await(s().tasks().create(task, TaskTransitioned.created(task, Actor.api()), null)).resource();
    }

    private Task completed(Task held, Bot bot) {
        return await(s().queue().reportHeld(held.id(), bot.id(), held.attempt(), HeldReport.COMPLETE, Map.of(), null,
                null, Actor.bot(bot.id())));
    }

    @Test
    void a_claim_takes_no_more_tasks_of_a_key_than_its_limit_leaves_room_for_and_takes_others_meanwhile() {
        String type = unique("contract-key");
        String key = unique("key");
        Bot other = onlineBot(5, type);
        Task first = keyed(type, key, 2);
        s().pass(Duration.ofMillis(2));
        Task second = keyed(type, key, 2);
        s().pass(Duration.ofMillis(2));
        Task third = keyed(type, key, 2);
        s().pass(Duration.ofMillis(2));
        Task free = pending(type, 0);
        Task heldElsewhere = assigned(first, other);
        Bot bot = onlineBot(5, type);

        assertThat(claim(bot, 5)).as("one slot of the key left, and the task without a key")
                .extracting(Task::id).containsExactly(second.id(), free.id());
        assertThat(claim(bot, 5)).as("the key is full").isEmpty();
        assertThat(task(third.id()).status()).isEqualTo(TaskStatus.PENDING);

        completed(heldElsewhere, other);

        Task last = claim(bot, 5).getFirst();
        assertThat(last.id()).isEqualTo(third.id());
        assertThat(last.concurrency()).isEqualTo(new ConcurrencyLimit(key, 2));
        assertThat(task(third.id()).concurrency()).isEqualTo(new ConcurrencyLimit(key, 2));
    }

    /**
     * Eight bots claim and complete the tasks of one key as fast as they can; a watcher reads the key's held tasks
     * in one statement again and again. The key never has more held than its limit, reaches it, and every task is
     * completed once.
     */
    @Test
    void bots_claiming_one_key_at_once_never_hold_more_of_it_than_its_limit() throws Exception {
        String type = unique("contract-key-race");
        String key = unique("key");
        int limit = 3;
        int tasks = 120;
        List<TaskId> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ids.add(keyed(type, key, limit).id());
        }
        List<Bot> bots = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            bots.add(onlineBot(2, type));
        }
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger mostHeld = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService watcher = Executors.newSingleThreadExecutor();
        Future<?> watching = watcher.submit(() -> {
            while (!done.get()) {
                int held = (int) await(s().tasks().findByIds(ids)).stream()
                        .filter(t -> t.status().isHeldByBot()).count();
                mostHeld.accumulateAndGet(held, Math::max);
            }
            return null;
        });
        try {
            List<List<TaskId>> completedBy = race(bots.size(), i -> {
                List<TaskId> mine = new ArrayList<>();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (System.nanoTime() < deadline) {
                    List<Task> claimed = claim(bots.get(i), 2);
                    if (!claimed.isEmpty()) {
                        // Held a moment, as a bot holds its work, so that the watcher sees the key's slots in use.
                        Thread.sleep(1);
                    }
                    for (Task t : claimed) {
                        assertThat(completed(t, bots.get(i))).as("a completion of a task just claimed").isNotNull();
                        mine.add(t.id());
                    }
                    if (claimed.isEmpty() && await(s().tasks().findByIds(ids)).stream()
                            .allMatch(t -> t.status() == TaskStatus.COMPLETED)) {
                        break;
                    }
                }
                return mine;
            });
            List<TaskId> all = completedBy.stream().flatMap(List::stream).toList();
            assertThat(all).doesNotHaveDuplicates().hasSize(tasks);
        } finally {
            done.set(true);
            watching.get();
            watcher.shutdown();
        }
        assertThat(mostHeld.get()).as("the most tasks of the key held at once").isBetween(1, limit);
        for (TaskId id : ids) {
            assertThat(history(id)).filteredOn(e -> e.to() == TaskStatus.ASSIGNED).hasSize(1);
        }
    }

    // ---- key policies

    private KeyPolicy keyPolicy(String key) {
        KeyPolicy stored = await(s().policies().findKey(key));
        return stored == null ? KeyPolicy.none(key) : stored;
    }

    /** Changes {@code key}'s policy as the use case does: the write, then the wait for the claims under way. */
    private KeyPolicy changeKey(String key, java.util.function.UnaryOperator<KeyPolicy> how) {
        KeyPolicy current = keyPolicy(key);
        KeyPolicy changed = await(s().policies().saveKey(how.apply(current), current.version()));
        await(s().policies().awaitClaimsUnderWay());
        return changed;
    }

    private KeyPolicy pauseKey(String key) {
        return changeKey(key, p -> p.pausedBy(Actor.key("contract"), "contract", now()));
    }

    private KeyPolicy resumeKey(String key) {
        return changeKey(key, p -> p.resumed(now()));
    }

    private KeyPolicy limitKey(String key, Integer max) {
        return changeKey(key, p -> p.limitedTo(max, now()));
    }

    @Test
    void a_claim_passes_over_a_paused_key_and_takes_its_tasks_in_claim_order_once_it_is_resumed() {
        String type = unique("contract-key-paused");
        String key = unique("key");
        Bot bot = onlineBot(10, type);
        Task first = keyed(type, key, 5);
        s().pass(Duration.ofMillis(2));
        Bot holder = onlineBot(1, type);
        Task held = assigned(keyed(type, key, 5), holder);
        s().pass(Duration.ofMillis(2));
        Task second = keyed(type, key, 5);
        Task otherKey = keyed(type, unique("key"), 5);
        Task free = pending(type, 0);

        pauseKey(key);

        assertThat(claim(bot, 10)).as("the other key's task and the one without a key; none of the paused key")
                .extracting(Task::id).containsExactlyInAnyOrder(otherKey.id(), free.id());
        assertThat(task(first.id()).status()).isEqualTo(TaskStatus.PENDING);
        assertThat(completed(held, holder).status()).as("a task held before the pause runs on")
                .isEqualTo(TaskStatus.COMPLETED);

        resumeKey(key);

        assertThat(claim(bot, 10)).extracting(Task::id).containsExactly(first.id(), second.id());
    }

    @Test
    void a_limit_set_for_a_key_replaces_what_its_tasks_state_until_it_is_given_back() {
        String type = unique("contract-key-limit");
        String key = unique("key");
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(keyed(type, key, 3));
            s().pass(Duration.ofMillis(2));
        }
        Bot bot = onlineBot(10, type);

        limitKey(key, 1);
        assertThat(claim(bot, 10)).as("one at a time, as the key's policy says").extracting(Task::id)
                .containsExactly(tasks.get(0).id());
        assertThat(claim(bot, 10)).as("the key is full at 1").isEmpty();

        limitKey(key, 4);
        assertThat(claim(bot, 10)).as("raised above what the tasks state").extracting(Task::id)
                .containsExactly(tasks.get(1).id(), tasks.get(2).id(), tasks.get(3).id());

        limitKey(key, null);
        assertThat(claim(bot, 10)).as("given back to the tasks' 3: already 4 held").isEmpty();
        completed(task(tasks.get(0).id()), bot);
        completed(task(tasks.get(1).id()), bot);
        assertThat(claim(bot, 10)).as("3 of the tasks' own limit").extracting(Task::id)
                .containsExactly(tasks.get(4).id());
    }

    @Test
    void a_key_policy_is_stored_with_a_version_and_a_write_from_a_stale_read_fails() {
        String key = unique("contract key/with:any text");
        assertThat(await(s().policies().findKey(key))).isNull();

        KeyPolicy paused = pauseKey(key);

        assertThat(paused).extracting(p -> p.pause().reason(), p -> p.pause().by(), KeyPolicy::maxConcurrency,
                KeyPolicy::version).containsExactly("contract", "key:contract", null, 1L);
        assertThat(await(s().policies().findKey(key))).isEqualTo(paused);
        assertThat(await(s().policies().listKeys())).contains(paused);
        assertThatThrownBy(() -> await(s().policies().saveKey(KeyPolicy.none(key).limitedTo(2, now()), 0)))
                .isInstanceOf(ConflictException.class);

        KeyPolicy limited = limitKey(key, 7);
        KeyPolicy resumed = resumeKey(key);

        assertThat(resumed).extracting(KeyPolicy::pause, KeyPolicy::maxConcurrency, KeyPolicy::version)
                .containsExactly(null, 7, 3L);
        assertThatThrownBy(() -> await(s().policies().saveKey(limited.resumed(now()), limited.version())))
                .isInstanceOf(ConflictException.class);
        assertThat(await(s().policies().findKey(key))).isEqualTo(resumed);
        assertThat(await(s().policies().find(key.replace(' ', '-').replace('/', '.')))).as("types are apart")
                .isNull();
    }

    /**
     * Bots claim and complete one key's tasks as fast as they can while its limit is lowered to 1 and raised to 4
     * again and again; a watcher reads the key's held tasks in one statement. Once a lowering has returned and the
     * tasks held beyond it have ended, the key never has more than 1 held until it is raised; raised, it has more.
     */
    @Test
    void once_a_lowered_limit_has_returned_no_claim_goes_over_it() throws Exception {
        String type = unique("contract-key-limit-race");
        String key = unique("key");
        int tasks = 600;
        List<TaskId> ids = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ids.add(keyed(type, key, 4).id());
        }
        List<Bot> bots = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            bots.add(onlineBot(2, type));
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService claimers = Executors.newFixedThreadPool(RACERS);
        List<Future<List<TaskId>>> claimed = new ArrayList<>();
        for (Bot bot : bots) {
            claimed.add(claimers.submit(() -> {
                List<TaskId> mine = new ArrayList<>();
                while (!stop.get()) {
                    List<Task> taken = claim(bot, 2);
                    // Held a moment, as a bot holds its work, so that the watcher sees the key's slots in use.
                    Thread.sleep(taken.isEmpty() ? 1 : 3);
                    for (Task t : taken) {
                        completed(t, bot);
                        mine.add(t.id());
                    }
                }
                return mine;
            }));
        }
        int rounds = 0;
        try {
            while (rounds < 6 && heldOrDone(ids, true) < tasks - 40) {
                limitKey(key, 1);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (heldOrDone(ids, false) > 1 && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                long doneBefore = heldOrDone(ids, true);
                long mostHeld = 0;
                for (long end = System.nanoTime() + 150_000_000L; System.nanoTime() < end;) {
                    mostHeld = Math.max(mostHeld, heldOrDone(ids, false));
                }
                assertThat(mostHeld).as("round %d: the most held at a limit of 1", rounds).isLessThanOrEqualTo(1);
                assertThat(heldOrDone(ids, true)).as("round %d: work goes on at 1", rounds).isGreaterThan(doneBefore);
                limitKey(key, 4);
                mostHeld = 0;
                for (long end = System.nanoTime() + 150_000_000L; System.nanoTime() < end && mostHeld < 2;) {
                    mostHeld = Math.max(mostHeld, heldOrDone(ids, false));
                }
                assertThat(mostHeld).as("round %d: raised, more are held at once", rounds).isBetween(2L, 4L);
                rounds++;
            }
        } finally {
            stop.set(true);
            claimers.shutdown();
        }
        assertThat(rounds).as("rounds of lowering and raising with claims under way").isGreaterThanOrEqualTo(3);
        List<TaskId> all = new ArrayList<>();
        for (Future<List<TaskId>> f : claimed) {
            all.addAll(f.get());
        }
        assertThat(all).doesNotHaveDuplicates();
    }

    /** How many of {@code ids} bots hold, or ({@code done}) have been completed, read in one statement. */
    private long heldOrDone(List<TaskId> ids, boolean done) {
        return await(s().tasks().findByIds(ids)).stream()
                .filter(t -> done ? t.status() == TaskStatus.COMPLETED : t.status().isHeldByBot()).count();
    }

    // ---- rate limit keys

    private Task rated(String type, String key, double perSecond, int burst) {
        Task task = Task.create(new TaskId(UUID.randomUUID()), TaskSpec.of(type, 0, Map.of("n", 1), 60), now())
                .ratedBy(new RateLimit(key, perSecond, burst));
        return await(s().tasks().create(task, TaskTransitioned.created(task, Actor.api()), null)).resource();
    }

    /**
     * A key of 2 a second in bursts of 2: a claim takes two of its tasks (and others meanwhile), the next none;
     * half a second later one more, and after a longer wait no more than the burst.
     */
    @Test
    void a_claim_takes_no_more_of_a_rate_key_than_its_bucket_holds_and_more_as_it_fills() {
        String type = unique("contract-rate");
        String key = unique("rate");
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            tasks.add(rated(type, key, 2, 2));
            s().pass(Duration.ofMillis(2));
        }
        Task free = pending(type, 0);
        Bot bot = onlineBot(10, type);

        assertThat(claim(bot, 10)).as("the burst, and the task without a key").extracting(Task::id)
                .containsExactly(tasks.get(0).id(), tasks.get(1).id(), free.id());
        assertThat(claim(bot, 10)).as("the bucket is empty").isEmpty();
        assertThat(task(tasks.get(2).id()).status()).isEqualTo(TaskStatus.PENDING);

        s().pass(Duration.ofMillis(600));
        assertThat(claim(bot, 10)).as("one interval later, one").extracting(Task::id)
                .containsExactly(tasks.get(2).id());

        s().pass(Duration.ofMillis(1600));
        List<Task> afterQuiet = claim(bot, 10);
        assertThat(afterQuiet).as("a quiet spell saves no more than the burst").extracting(Task::id)
                .containsExactly(tasks.get(3).id(), tasks.get(4).id());
        assertThat(afterQuiet.getFirst().rate()).isEqualTo(new RateLimit(key, 2, 2));
        assertThat(task(tasks.get(5).id()).rate()).isEqualTo(new RateLimit(key, 2, 2));
    }

    /** When a claim was made and when it answered: the store's clock read it in between. */
    private record Claimed(Instant from, Instant to) {
    }

    /**
     * Eight bots claim the tasks of one key of 20 a second in bursts of 3 as fast as they can while time passes.
     * Each claimed task is known to have been taken between its claim's call and its answer; so the tasks whose
     * claims lie wholly within any stretch of time were taken within it, and there must be no more of them than
     * the burst and the rate allow for that stretch (with 20 ms for the clocks of the service and the database).
     * The key keeps up with its rate.
     */
    @Test
    void bots_claiming_one_rate_key_at_once_never_dispatch_more_than_its_rate_allows() throws Exception {
        String type = unique("contract-rate-race");
        String key = unique("rate");
        double rate = 20;
        int burst = 3;
        for (int i = 0; i < 150; i++) {
            rated(type, key, rate, burst);
        }
        List<Bot> bots = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            bots.add(onlineBot(4, type));
        }
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        ExecutorService claimers = Executors.newFixedThreadPool(RACERS);
        List<Future<List<Claimed>>> claimed = new ArrayList<>();
        for (Bot bot : bots) {
            claimed.add(claimers.submit(() -> {
                List<Claimed> mine = new ArrayList<>();
                while (!stop.get()) {
                    Instant from = now();
                    List<Task> taken = claim(bot, 4);
                    Instant to = now();
                    for (Task t : taken) {
                        mine.add(new Claimed(from, to));
                        completed(t, bot);
                    }
                }
                return mine;
            }));
        }
        try {
            for (int i = 0; i < 30; i++) {
                s().pass(Duration.ofMillis(50));
                Thread.sleep(5);
            }
        } finally {
            stop.set(true);
            claimers.shutdown();
        }
        List<Claimed> all = new ArrayList<>();
        for (Future<List<Claimed>> f : claimed) {
            all.addAll(f.get());
        }
        Duration clocks = Duration.ofMillis(20);
        for (Claimed first : all) {
            for (Claimed last : all) {
                Instant from = first.from().minus(clocks);
                Instant to = last.to().plus(clocks);
                if (to.isBefore(from)) {
                    continue;
                }
                long within = all.stream().filter(c -> !c.from().isBefore(first.from())
                        && !c.to().isAfter(last.to())).count();
                double seconds = Duration.between(from, to).toNanos() / 1e9;
                assertThat(within).as("tasks taken from %s to %s", from, to)
                        .isLessThanOrEqualTo((long) Math.floor(burst + seconds * rate));
            }
        }
        assertThat(all.size()).as("dispatched in 1.5 s at 20 a second").isGreaterThanOrEqualTo(15);
    }

    // ---- one-statement reports

    /** The states a reported task may be in. */
    enum Given {
        PENDING, ASSIGNED, IN_PROGRESS, COMPLETED, FAILED
    }

    /** Who and which attempt a report names. */
    enum Names {
        THE_HOLDER_AT_ITS_ATTEMPT, THE_HOLDER_AT_NO_ATTEMPT, THE_HOLDER_AT_A_STALE_ATTEMPT, ANOTHER_BOT
    }

    static Stream<Arguments> reports() {
        List<Arguments> all = new ArrayList<>();
        for (Given given : Given.values()) {
            for (Names names : Names.values()) {
                for (HeldReport report : HeldReport.values()) {
                    for (boolean step : new boolean[]{ false, true }) {
                        for (boolean lastAttempt : new boolean[]{ false, true }) {
                            all.add(Arguments.of(given, names, report, step, lastAttempt));
                        }
                    }
                }
            }
        }
        return all.stream();
    }

    /**
     * Every report in every state: the store settles it in one step exactly when {@link FastPath#settlesInOneStep}
     * says so, with the outcome {@link FastPath#settle} gives, its history entry, and its lease; otherwise it
     * answers {@code null} and changes nothing.
     */
    @ParameterizedTest(name = "{2} about a {0} task naming {1}, workflow step {3}, last attempt {4}")
    @MethodSource("reports")
    void a_report_settles_in_one_step_exactly_as_the_domain_says(Given given, Names names, HeldReport report,
            boolean step, boolean lastAttempt) {
        String type = unique("contract-report");
        Bot holder = onlineBot(4, type);
        Bot other = onlineBot(4, type);
        int maxAttempts = lastAttempt ? 1 : 3;
        Task task = step ? twoStepRun(type, maxAttempts).getFirst() : newTask(type, 0, maxAttempts);
        task = switch (given) {
            case PENDING -> task;
            case ASSIGNED -> assigned(task, holder);
            case IN_PROGRESS -> running(assigned(task, holder), holder);
            case COMPLETED -> {
                Task a = assigned(task, holder);
                yield write(a, a.complete(Fence.none(), Map.of("done", true), now()), Actor.bot(holder.id()));
            }
            case FAILED -> {
                Task a = assigned(task, holder);
                yield write(a, a.fail(Fence.none(), "broke", "broken", now(), 0), Actor.bot(holder.id()));
            }
        };
        BotId bot = names == Names.ANOTHER_BOT ? other.id() : holder.id();
        Integer attempt = switch (names) {
            case THE_HOLDER_AT_NO_ATTEMPT -> null;
            case THE_HOLDER_AT_A_STALE_ATTEMPT -> task.attempt() + 1;
            default -> task.attempt();
        };
        Map<String, Object> result = Map.of("rows", 3);
        Task before = task;
        int entries = history(before.id()).size();
        Instant at = now();

        Task written = await(s().queue().reportHeld(before.id(), bot, attempt, report, result, "it broke", "broken",
                Actor.bot(bot)));

        if (!FastPath.settlesInOneStep(before, bot, attempt, report)) {
            assertThat(written).as("a report the domain leaves to the full way").isNull();
            assertThat(task(before.id()).version()).isEqualTo(before.version());
            assertThat(history(before.id())).hasSize(entries);
            return;
        }
        Task expected = ((Transition.Changed<Task>) FastPath.settle(before, bot, attempt, report, result, "it broke",
                "broken", at)).next();
        assertThat(written).as("a report the domain settles in one step").isNotNull();
        assertSameOutcome(written, expected);
        assertSameOutcome(task(before.id()), expected);
        assertThat(written.version()).isEqualTo(before.version() + 1);
        List<TaskTransitioned> history = history(before.id());
        assertThat(history).hasSize(entries + 1);
        assertThat(history.getLast()).extracting(TaskTransitioned::from, TaskTransitioned::to,
                TaskTransitioned::attempt, TaskTransitioned::actor, TaskTransitioned::cause, TaskTransitioned::reason)
                .containsExactly(before.status(), expected.status(), expected.attempt(), Actor.bot(bot),
                        TaskTransitioned.causeOf(before, expected), FastPath.reason(report, "it broke", expected));
        if (expected.status() == TaskStatus.IN_PROGRESS) {
            assertLeaseAbout(before.id(), at, s().terms().lease());
        } else {
            assertThat(s().leaseOf(before.id())).as("lease of an ended task").isNull();
        }
        assertHistoryInOrder(before.id());
    }

    @Test
    void a_report_that_ends_the_last_task_of_a_busy_bot_frees_it_and_a_start_does_not() {
        String type = unique("contract-free");
        Bot bot = onlineBot(1, type);
        pending(type, 0);
        Task claimed = claim(bot, 1).getFirst();
        assertThat(bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);

        await(s().queue().reportHeld(claimed.id(), bot.id(), 1, HeldReport.START, null, null, null,
                Actor.bot(bot.id())));
        assertThat(bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);

        await(s().queue().reportHeld(claimed.id(), bot.id(), 1, HeldReport.COMPLETE, Map.of(), null, null,
                Actor.bot(bot.id())));
        assertThat(bot(bot.id()).status()).isEqualTo(BotStatus.ONLINE);
    }

    @Test
    void the_same_report_sent_at_once_many_times_is_written_once() throws Exception {
        String type = unique("contract-dup");
        Bot bot = onlineBot(1, type);
        pending(type, 0);
        Task claimed = claim(bot, 1).getFirst();

        List<Task> answers = race(RACERS, i -> await(s().queue().reportHeld(claimed.id(), bot.id(), 1,
                HeldReport.COMPLETE, Map.of("by", i), null, null, Actor.bot(bot.id()))));

        assertThat(answers).filteredOn(t -> t != null).hasSize(1);
        assertThat(history(claimed.id())).filteredOn(e -> e.to() == TaskStatus.COMPLETED).hasSize(1);
        assertThat(task(claimed.id()).status()).isEqualTo(TaskStatus.COMPLETED);
    }

    // ---- the unit of work

    @Test
    void a_write_raises_every_written_row_by_one_version() {
        String type = unique("contract-uow");
        Bot bot = onlineBot(1, type);
        Task task = pending(type, 0);
        Task next = task.assign(bot, now()).orThrow();

        await(s().unitOfWork().apply(TaskChanges.builder().task(task, next, Actor.api(), "assigned")
                .bot(bot, bot.tookTask(1, now())).build()));

        assertThat(task(task.id()).version()).isEqualTo(task.version() + 1);
        assertThat(bot(bot.id()).version()).isEqualTo(bot.version() + 1);
        assertThat(bot(bot.id()).status()).isEqualTo(BotStatus.BUSY);
        assertThat(history(task.id())).extracting(TaskTransitioned::to).containsExactly(TaskStatus.PENDING,
                TaskStatus.ASSIGNED);
    }

    @Test
    void a_write_with_any_stale_version_fails_and_writes_nothing() {
        String type = unique("contract-uow");
        Bot bot = onlineBot(1, type);
        Task task = pending(type, 0);
        Bot staleBot = new Bot(bot.id(), bot.name(), bot.capabilities(), BotStatus.BUSY, bot.metadata(),
                bot.lastHeartbeatAt(), bot.createdAt(), now(), bot.slots(), bot.version() - 1);
        TaskChanges changes = TaskChanges.builder().task(task, task.assign(bot, now()).orThrow(), Actor.api(), "x")
                .bot(staleBot, bot.tookTask(1, now())).build();

        assertThatThrownBy(() -> await(s().unitOfWork().apply(changes)))
                .isInstanceOfSatisfying(ConflictException.class, c -> assertThat(c.isConcurrentModification())
                        .isTrue());

        assertThat(task(task.id())).extracting(Task::status, Task::version).containsExactly(TaskStatus.PENDING,
                task.version());
        assertThat(history(task.id())).hasSize(1);
        assertThat(bot(bot.id()).version()).isEqualTo(bot.version());
    }

    @Test
    void of_a_bot_s_status_writes_decided_on_the_same_read_one_wins_and_returns_the_row_it_wrote() throws Exception {
        for (int round = 0; round < 10; round++) {
            Bot bot = onlineBot(2);
            List<Bot> written = race(RACERS, i -> {
                try {
                    return i % 2 == 0
                            ? await(s().bots().recordHeartbeat(bot.heartbeat(now()), bot.version()))
                            : await(s().bots().updateStatus(bot.withSlots(3 + i, 2, now()), bot.version()));
                } catch (ConflictException lost) {
                    assertThat(lost.isConcurrentModification()).isTrue();
                    return null;
                }
            });

            assertThat(written).filteredOn(java.util.Objects::nonNull).singleElement().satisfies(won -> {
                assertThat(won.version()).isEqualTo(bot.version() + 1);
                assertThat(bot(bot.id())).isEqualTo(won);
            });
        }
    }

    @Test
    void of_two_writes_computed_from_the_same_read_the_second_loses() {
        String type = unique("contract-uow");
        Task task = pending(type, 0);
        TaskChanges first = TaskChanges.builder().task(task, task.cancel("first", now()).orThrow(), Actor.api(),
                "first").build();
        TaskChanges second = TaskChanges.builder().task(task, task.cancel("second", now()).orThrow(), Actor.api(),
                "second").build();

        await(s().unitOfWork().apply(first));

        assertThatThrownBy(() -> await(s().unitOfWork().apply(second))).isInstanceOf(ConflictException.class);
        assertThat(task(task.id()).error()).isEqualTo("first");
    }

    @Test
    void what_follows_for_a_workflow_is_written_with_the_step_that_caused_it() {
        String type = unique("contract-follow");
        Bot bot = onlineBot(1, type);
        List<Task> steps = twoStepRun(type, 3);
        Task first = running(assigned(steps.get(0), bot), bot);
        Workflow before = await(s().workflows().findById(first.workflowId()));
        Task done = first.complete(Fence.none(), Map.of("out", 1), now()).orThrow();
        Instant at = now();

        TaskChanges written = await(s().unitOfWork().apply(TaskChanges.builder()
                .task(first, done, Actor.bot(bot.id()), "completed")
                .follow(first.workflowId(), (workflow, current) -> DagPlan.advance(workflow, current, done, at))
                .build()));

        assertThat(written.tasks()).extracting(v -> v.next().id()).containsExactly(first.id(), steps.get(1).id());
        assertThat(task(steps.get(1).id()).status()).isEqualTo(TaskStatus.PENDING);
        Workflow after = await(s().workflows().findById(first.workflowId()));
        assertThat(after.version()).isEqualTo(before.version() + 1);
        assertThat(after.status()).isEqualTo(WorkflowStatus.IN_PROGRESS);
    }

    /**
     * Each step's change decides what follows holding the workflow, from the steps as committed: however the two
     * commits interleave, the one decided last sees both steps ended, and the join runs.
     */
    @Test
    void two_steps_of_a_fan_in_ending_at_once_always_release_the_join() throws Exception {
        String type = unique("contract-fanin");
        Bot bot = onlineBot(8, type);
        for (int round = 0; round < 20; round++) {
            WorkflowDefinition fanIn = new WorkflowDefinition(unique("contract-fanin"), null, List.of(
                    new StepDefinition("a", type, Map.of(), List.of(), List.of(), List.of(), false, null, null, null),
                    new StepDefinition("b", type, Map.of(), List.of(), List.of(), List.of(), false, null, null, null),
                    new StepDefinition("join", type, Map.of(), List.of("a", "b"), List.of(), List.of(), false, null,
                            null, null)));
            List<Task> steps = run(fanIn);
            List<Task> held = List.of(running(assigned(steps.get(0), bot), bot),
                    running(assigned(steps.get(1), bot), bot));

            race(2, i -> {
                Task step = held.get(i);
                Task done = step.complete(Fence.none(), Map.of(), now()).orThrow();
                Instant at = now();
                return await(s().unitOfWork().apply(TaskChanges.builder()
                        .task(step, done, Actor.bot(bot.id()), "completed")
                        .follow(step.workflowId(), (workflow, current) -> DagPlan.advance(workflow, current, done, at))
                        .build()));
            });

            assertThat(task(steps.get(2).id()).status()).as("the join, round %d", round).isEqualTo(TaskStatus.PENDING);
        }
    }

    // ---- leases

    @Test
    void a_start_gives_the_running_lease_and_an_end_takes_the_lease_away() {
        String type = unique("contract-lease");
        Bot bot = onlineBot(1, type);
        Task assigned = assigned(pending(type, 0), bot);
        Instant at = now();

        Task running = running(assigned, bot);
        assertLeaseAbout(running.id(), at, s().terms().lease());

        write(running, running.complete(Fence.none(), Map.of(), now()), Actor.bot(bot.id()));
        assertThat(s().leaseOf(running.id())).isNull();
    }

    @Test
    void expired_leases_are_those_that_lapsed_earliest_first_up_to_the_limit() {
        String type = unique("contract-expiry");
        Bot first = onlineBot(1, type);
        Bot second = onlineBot(1, type);
        Bot third = onlineBot(1, type);
        Task a = assigned(pending(type, 0), first);
        Task b = assigned(pending(type, 0), second);
        assigned(pending(type, 0), third);

        await(s().leases().shortenLeases(first.id(), Duration.ZERO));
        s().pass(Duration.ofMillis(5));
        await(s().leases().shortenLeases(second.id(), Duration.ZERO));
        s().pass(Duration.ofMillis(5));

        List<TaskId> expired = await(s().leases().expiredLeases(1000)).stream().map(Task::id)
                .filter(id -> id.equals(a.id()) || id.equals(b.id())).toList();
        assertThat(expired).containsExactly(a.id(), b.id());
        assertThat(await(s().leases().expiredLeases(1))).hasSize(1);
    }

    @Test
    void a_lease_is_renewed_only_for_a_running_task_of_that_bot_at_that_attempt() {
        String type = unique("contract-renew");
        Bot bot = onlineBot(2, type);
        Bot other = onlineBot(1, type);
        Task running = running(assigned(pending(type, 0), bot), bot);
        Task assigned = assigned(pending(type, 0), bot);

        assertThat(await(s().leases().renewLease(running.id(), running.attempt(), bot.id(), null))).isTrue();
        assertThat(await(s().leases().renewLease(running.id(), running.attempt() + 1, bot.id(), null))).isFalse();
        assertThat(await(s().leases().renewLease(running.id(), running.attempt(), other.id(), null))).isFalse();
        assertThat(await(s().leases().renewLease(assigned.id(), assigned.attempt(), bot.id(), null))).isFalse();
    }

    @Test
    void workflows_and_their_steps_are_found_for_many_workflows_in_one_read_each() {
        String type = unique("contract-wf-ids");
        List<Task> one = twoStepRun(type, 1);
        List<Task> two = twoStepRun(type, 1);
        WorkflowId unknown = new WorkflowId(UUID.randomUUID());
        List<WorkflowId> ids = List.of(one.getFirst().workflowId(), unknown, two.getFirst().workflowId());

        assertThat(await(s().workflows().findByIds(ids))).extracting(Workflow::id)
                .containsExactlyInAnyOrder(one.getFirst().workflowId(), two.getFirst().workflowId());
        List<Task> steps = await(s().tasks().findByWorkflows(ids));
        assertThat(steps).extracting(Task::id).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(one.stream(), two.stream()).map(Task::id).toList());
        assertThat(steps.stream().filter(t -> t.workflowId().equals(one.getFirst().workflowId()))
                .map(Task::workflowPosition).toList()).containsExactly(0, 1);
        assertThat(await(s().workflows().findByIds(List.of()))).isEmpty();
        assertThat(await(s().tasks().findByWorkflows(List.of()))).isEmpty();
    }

    @Test
    void tasks_are_found_by_ids_in_one_read_and_unknown_ids_are_left_out() {
        String type = unique("contract-ids");
        Task one = pending(type, 0);
        Task two = pending(type, 1);
        TaskId unknown = new TaskId(UUID.randomUUID());

        List<Task> found = await(s().tasks().findByIds(List.of(one.id(), unknown, two.id())));

        assertThat(found).extracting(Task::id).containsExactlyInAnyOrder(one.id(), two.id());
        assertThat(found).filteredOn(t -> t.id().equals(two.id())).singleElement()
                .extracting(Task::priority).isEqualTo(1);
        assertThat(await(s().tasks().findByIds(List.of()))).isEmpty();
    }

    @Test
    void progress_comes_with_a_renewal_is_kept_across_renewals_without_any_and_leaves_the_version_alone() {
        String type = unique("contract-progress");
        Bot bot = onlineBot(1, type);
        Task running = running(assigned(pending(type, 0), bot), bot);
        assertThat(await(s().tasks().findById(running.id())).progress()).isNull();

        assertThat(await(s().leases().renewLease(running.id(), running.attempt(), bot.id(),
                Map.of("percent", 40, "message", "compiling", "files", List.of("a.c"))))).isTrue();
        assertThat(await(s().leases().renewLease(running.id(), running.attempt(), bot.id(), null))).isTrue();
        Task read = await(s().tasks().findById(running.id()));
        assertThat(read.progress().data()).isEqualTo(Map.of("percent", 40, "message", "compiling", "files",
                List.of("a.c")));
        assertThat(read.progress().attempt()).isEqualTo(running.attempt());
        assertThat(read.progress().percent()).isEqualTo(40.0);
        assertThat(read.progress().reportedAt()).isNotNull();
        assertThat(read.version()).isEqualTo(running.version());

        assertThat(await(s().leases().renewLease(running.id(), running.attempt() + 1, bot.id(),
                Map.of("percent", 99)))).isFalse();
        assertThat(await(s().tasks().findById(running.id())).progress().percent()).isEqualTo(40.0);
    }

    @Test
    void shortening_never_lengthens_a_lease_and_a_returning_bot_gets_its_running_leases_again() {
        String type = unique("contract-shorten");
        Bot bot = onlineBot(2, type);
        Task assigned = assigned(pending(type, 0), bot);
        Task running = running(assigned(pending(type, 0), bot), bot);
        Instant ackLease = s().leaseOf(assigned.id());

        await(s().leases().shortenLeases(bot.id(), Duration.ofHours(1)));
        assertThat(s().leaseOf(assigned.id())).isEqualTo(ackLease);

        await(s().leases().shortenLeases(bot.id(), Duration.ofSeconds(5)));
        Instant shortened = s().leaseOf(assigned.id());
        Instant at = now();
        List<Task> held = await(s().leases().renewHeldLeases(bot.id()));

        assertThat(held).extracting(Task::id).containsExactlyInAnyOrder(assigned.id(), running.id());
        assertThat(s().leaseOf(assigned.id())).as("an assignment sent again is not a new offer")
                .isEqualTo(shortened);
        assertLeaseAbout(running.id(), at, s().terms().lease());
    }

    // ---- the task store

    @Test
    void a_repeated_key_replays_the_first_task_and_another_request_under_it_is_refused() {
        String type = unique("contract-key");
        IdempotencyKey key = new IdempotencyKey(unique("key"), "fingerprint-1");
        Task first = Task.create(new TaskId(UUID.randomUUID()), TaskSpec.of(type, null, Map.of(), null), now());
        Task again = Task.create(new TaskId(UUID.randomUUID()), TaskSpec.of(type, null, Map.of(), null), now());

        Created<Task> created = await(s().tasks().create(first, TaskTransitioned.created(first, Actor.api()), key));
        Created<Task> replayed = await(s().tasks().create(again, TaskTransitioned.created(again, Actor.api()), key));

        assertThat(created.replayed()).isFalse();
        assertThat(replayed.replayed()).isTrue();
        assertThat(replayed.resource().id()).isEqualTo(first.id());
        assertThat(task(again.id())).isNull();
        assertThat(history(first.id())).singleElement().satisfies(entry -> {
            assertThat(entry.from()).isNull();
            assertThat(entry.to()).isEqualTo(TaskStatus.PENDING);
        });
        assertThat(history(again.id())).isEmpty();
        Task other = Task.create(new TaskId(UUID.randomUUID()), TaskSpec.of(type, null, Map.of(), null), now());
        assertThatThrownBy(() -> await(s().tasks().create(other, TaskTransitioned.created(other, Actor.api()),
                new IdempotencyKey(key.key(), "fingerprint-2")))).isInstanceOf(IdempotencyKeyReusedException.class);
    }

    @Test
    void single_creations_sent_at_once_each_get_the_answer_they_would_have_had_alone() {
        for (int round = 0; round < 10; round++) {
            String type = unique("contract-create-race");
            IdempotencyKey storedKey = new IdempotencyKey(unique("key"), "fingerprint-stored");
            Task before = fresh(type);
            await(s().tasks().create(before, TaskTransitioned.created(before, Actor.api()), storedKey));
            List<IdempotencyKey> shared = List.of(new IdempotencyKey(unique("key"), "fingerprint-a"),
                    new IdempotencyKey(unique("key"), "fingerprint-b"), new IdempotencyKey(unique("key"), "fp-c"));
            List<Task> tasks = new ArrayList<>();
            List<IdempotencyKey> keys = new ArrayList<>();
            for (int i = 0; i < 90; i++) {
                tasks.add(fresh(type));
                keys.add(switch (i % 5) {
                    case 0, 1 -> null;
                    case 2 -> new IdempotencyKey(unique("key"), "own");
                    case 3 -> shared.get(i % shared.size());
                    default -> i % 2 == 0 ? storedKey : new IdempotencyKey(storedKey.key(), "fingerprint-other");
                });
            }
            // Every creation is on its way before any is answered.
            List<Uni<Object>> sent = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                Task task = tasks.get(i);
                sent.add(s().tasks().create(task, TaskTransitioned.created(task, Actor.api()), keys.get(i))
                        .map(created -> (Object) created).onFailure().recoverWithItem(failure -> failure));
            }
            List<Object> answers = await(Uni.join().all(sent).andFailFast());

            Map<String, TaskId> createdFor = new HashMap<>();
            int stored = 1;
            for (int i = 0; i < tasks.size(); i++) {
                Object answer = answers.get(i);
                IdempotencyKey key = keys.get(i);
                String what = "round " + round + ", creation " + i;
                if (key != null && key.key().equals(storedKey.key())) {
                    if (key.fingerprint().equals(storedKey.fingerprint())) {
                        assertThat(answer).as(what).isInstanceOfSatisfying(Created.class, c -> {
                            assertThat(c.replayed()).isTrue();
                            assertThat(((Task) c.resource()).id()).isEqualTo(before.id());
                        });
                    } else {
                        assertThat(answer).as(what).isInstanceOf(IdempotencyKeyReusedException.class);
                    }
                    assertThat(task(tasks.get(i).id())).as(what).isNull();
                    continue;
                }
                assertThat(answer).as(what).isInstanceOf(Created.class);
                @SuppressWarnings("unchecked")
                Created<Task> created = (Created<Task>) answer;
                if (key == null || !shared.contains(key)) {
                    assertThat(created.replayed()).as(what).isFalse();
                    assertThat(created.resource()).as(what).isEqualTo(tasks.get(i));
                    stored++;
                } else if (!created.replayed()) {
                    assertThat(createdFor.put(key.key(), created.resource().id())).as(what + ": created twice")
                            .isNull();
                    stored++;
                }
                assertThat(task(created.resource().id())).as(what).isNotNull();
            }
            for (int i = 0; i < tasks.size(); i++) {
                if (keys.get(i) != null && shared.contains(keys.get(i))) {
                    @SuppressWarnings("unchecked")
                    Created<Task> created = (Created<Task>) answers.get(i);
                    assertThat(created.resource().id()).as("round %d, creation %d", round, i)
                            .isEqualTo(createdFor.get(keys.get(i).key()));
                }
            }
            assertThat(createdFor).hasSize(shared.size());
            assertThat(await(s().tasks().list(new io.clawbot.coordinator.domain.task.TaskQuery(null, null, null, type,
                    io.clawbot.coordinator.domain.task.TaskQuery.Order.CREATED),
                    new io.clawbot.coordinator.domain.common.PageRequest(500, 0))))
                    .as("round %d: tasks stored", round).hasSize(stored);
        }
    }

    private Task fresh(String type) {
        return Task.create(new TaskId(UUID.randomUUID()), TaskSpec.of(type, null, Map.of("n", 1), null), now());
    }

    private static TaskStore.NewTask newTask(Task task, IdempotencyKey key) {
        return new TaskStore.NewTask(task, TaskTransitioned.created(task, Actor.api()), key);
    }

    @Test
    void a_batch_stores_its_tasks_and_judges_each_key_against_the_store_and_the_tasks_before_it() {
        String type = unique("contract-batch");
        IdempotencyKey storedKey = new IdempotencyKey(unique("key"), "fingerprint-stored");
        Task before = fresh(type);
        await(s().tasks().create(before, TaskTransitioned.created(before, Actor.api()), storedKey));
        IdempotencyKey key = new IdempotencyKey(unique("key"), "fingerprint-1");
        List<Task> tasks = List.of(fresh(type), fresh(type), fresh(type), fresh(type), fresh(type), fresh(type));
        List<TaskStore.NewTask> batch = List.of(
                newTask(tasks.get(0), null),
                newTask(tasks.get(1), key),
                newTask(tasks.get(2), key),
                newTask(tasks.get(3), new IdempotencyKey(key.key(), "fingerprint-2")),
                newTask(tasks.get(4), storedKey),
                newTask(tasks.get(5), new IdempotencyKey(storedKey.key(), "fingerprint-other")));

        List<TaskStore.Stored> stored = await(s().tasks().createAll(batch));

        assertThat(stored).containsExactly(
                new TaskStore.Stored(TaskStore.Stored.Outcome.CREATED, tasks.get(0).id()),
                new TaskStore.Stored(TaskStore.Stored.Outcome.CREATED, tasks.get(1).id()),
                new TaskStore.Stored(TaskStore.Stored.Outcome.REPLAYED, tasks.get(1).id()),
                new TaskStore.Stored(TaskStore.Stored.Outcome.KEY_REUSED, null),
                new TaskStore.Stored(TaskStore.Stored.Outcome.REPLAYED, before.id()),
                new TaskStore.Stored(TaskStore.Stored.Outcome.KEY_REUSED, null));
        for (int i = 0; i < tasks.size(); i++) {
            boolean created = i < 2;
            assertThat(task(tasks.get(i).id()) != null).as("task %d stored", i).isEqualTo(created);
            assertThat(history(tasks.get(i).id())).as("task %d's history", i).hasSize(created ? 1 : 0);
        }
        assertThat(task(tasks.get(1).id()).payload()).isEqualTo(Map.of("n", 1));
        assertThat(task(tasks.get(1).id()).status()).isEqualTo(TaskStatus.PENDING);
        // The key the batch claimed replays its task for a single creation too.
        Task single = fresh(type);
        Created<Task> replayed = await(s().tasks().create(single, TaskTransitioned.created(single, Actor.api()), key));
        assertThat(replayed.replayed()).isTrue();
        assertThat(replayed.resource().id()).isEqualTo(tasks.get(1).id());
        assertThat(await(s().tasks().createAll(List.of()))).isEmpty();
    }

    /** A task with every field the creation writes set, so that a batch and a single creation can be compared. */
    private static Task everyField(String type, Instant at) {
        TaskSpec spec = TaskSpec.of(type, 42, Map.of("n", 1, "nested", Map.of("list", List.of(1, "two", true))), 90)
                .withTiming(new RetryPolicy.Overrides(4, 1.5, 3.0, 30.0, 0.1, List.of("bad_input")), 120,
                        at.plus(Duration.ofMinutes(5)), null);
        return Task.create(new TaskId(UUID.randomUUID()), spec, RetryPolicy.DEFAULT.with(spec.retry()), at)
                .tracedFrom("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }

    @Test
    void a_task_stored_by_a_batch_reads_back_as_the_same_task_stored_alone() {
        String type = unique("contract-batch-fields");
        Instant at = now();
        Task alone = everyField(type, at);
        Task bare = fresh(type);
        Task inBatch = everyField(type, at);
        await(s().tasks().create(alone, TaskTransitioned.created(alone, Actor.api()), null));
        await(s().tasks().createAll(List.of(newTask(inBatch, null), newTask(bare, null))));

        assertThat(task(inBatch.id())).usingRecursiveComparison().ignoringFields("id").isEqualTo(task(alone.id()));
        assertThat(task(inBatch.id()).traceParent()).isEqualTo(alone.traceParent());
        assertThat(task(bare.id()).payload()).isEqualTo(Map.of("n", 1));
        assertThat(history(inBatch.id())).usingRecursiveComparison().ignoringFields("taskId")
                .isEqualTo(history(alone.id()));
    }

    @Test
    void batches_sharing_keys_at_once_create_one_task_per_key_and_agree_on_it() throws Exception {
        int keys = 12;
        for (int round = 0; round < 10; round++) {
            String type = unique("contract-batch-race");
            List<IdempotencyKey> shared = new ArrayList<>();
            for (int k = 0; k < keys; k++) {
                shared.add(new IdempotencyKey(unique("key"), "fingerprint-" + k));
            }
            // Each racer names the keys in its own order, so that their locks would be taken in different orders
            // if the store did not order them.
            List<List<TaskStore.Stored>> results = race(RACERS, i -> {
                List<IdempotencyKey> mine = new ArrayList<>(shared);
                java.util.Collections.shuffle(mine, new java.util.Random(i));
                List<TaskStore.NewTask> batch = new ArrayList<>();
                mine.forEach(key -> batch.add(newTask(fresh(type), key)));
                batch.add(newTask(fresh(type), null));
                List<TaskStore.Stored> out = await(s().tasks().createAll(batch));
                // Put back in the shared order, the keyless task last.
                List<TaskStore.Stored> ordered = new ArrayList<>();
                for (IdempotencyKey key : shared) {
                    ordered.add(out.get(mine.indexOf(key)));
                }
                ordered.add(out.get(keys));
                return ordered;
            });

            for (int k = 0; k < keys; k++) {
                int index = k;
                List<TaskStore.Stored> forKey = results.stream().map(r -> r.get(index)).toList();
                assertThat(forKey).as("round %d, key %d", round, k)
                        .filteredOn(x -> x.outcome() == TaskStore.Stored.Outcome.CREATED).hasSize(1);
                assertThat(forKey.stream().map(TaskStore.Stored::id).distinct()).as("round %d, key %d", round, k)
                        .hasSize(1);
            }
            assertThat(results).allSatisfy(r -> assertThat(r.get(keys).outcome())
                    .isEqualTo(TaskStore.Stored.Outcome.CREATED));
            assertThat(await(s().tasks().list(new io.clawbot.coordinator.domain.task.TaskQuery(null, null, null, type,
                    io.clawbot.coordinator.domain.task.TaskQuery.Order.CREATED),
                    new io.clawbot.coordinator.domain.common.PageRequest(500, 0))))
                    .as("round %d: tasks stored", round).hasSize(keys + RACERS);
        }
    }

    @Test
    void a_delete_at_a_stale_version_deletes_nothing() {
        Task task = pending(unique("contract-delete"), 0);
        Task cancelled = write(task, task.cancel("gone", now()), Actor.api());

        assertThat(await(s().tasks().delete(task.id(), task.version()))).isFalse();
        assertThat(task(task.id())).isNotNull();
        assertThat(await(s().tasks().delete(task.id(), cancelled.version()))).isTrue();
        assertThat(task(task.id())).isNull();
        assertThat(history(task.id())).isEmpty();
    }

    // ---- helpers

    /**
     * The store's task has the outcome of {@code expected}: the same state, attempt, bot, result and error; its
     * timestamps set where the domain's are, the store's own clock aside; and, when running, a deadline one timeout
     * after its start.
     */
    private static void assertSameOutcome(Task actual, Task expected) {
        assertThat(actual).isNotNull();
        assertThat(actual).extracting(Task::id, Task::status, Task::botId, Task::attempt, Task::attemptsBefore,
                Task::result, Task::error, Task::errorCode, Task::payload, Task::priority, Task::type,
                Task::workflowId, Task::workflowPosition)
                .containsExactly(expected.id(), expected.status(), expected.botId(), expected.attempt(),
                        expected.attemptsBefore(), expected.result(), expected.error(), expected.errorCode(),
                        expected.payload(), expected.priority(), expected.type(), expected.workflowId(),
                        expected.workflowPosition());
        Map<String, Boolean> setActual = new HashMap<>();
        Map<String, Boolean> setExpected = new HashMap<>();
        for (Task t : List.of(actual, expected)) {
            Map<String, Boolean> set = t == actual ? setActual : setExpected;
            set.put("assigned_at", t.assignedAt() != null);
            set.put("started_at", t.startedAt() != null);
            set.put("completed_at", t.completedAt() != null);
            set.put("deadline_at", t.deadlineAt() != null);
            set.put("run_at", t.runAt() != null);
        }
        assertThat(setActual).as("which timestamps are set").isEqualTo(setExpected);
        if (actual.status() == TaskStatus.IN_PROGRESS) {
            assertThat(Duration.between(actual.startedAt(), actual.deadlineAt()))
                    .isEqualTo(Duration.ofSeconds(actual.timeoutSeconds()));
        }
        assertThat(actual.updatedAt()).isAfterOrEqualTo(actual.createdAt());
    }

    /** The task's lease lapses {@code length} after a moment between {@code from} and now. */
    private void assertLeaseAbout(TaskId id, Instant from, Duration length) {
        Instant lease = s().leaseOf(id);
        assertThat(lease).as("lease").isNotNull();
        assertThat(lease).isBetween(from.plus(length).minusMillis(50), now().plus(length).plusMillis(50));
    }

    /** A task's history never goes back in time: every write of it follows one clock. */
    private void assertHistoryInOrder(TaskId id) {
        List<TaskTransitioned> history = history(id);
        for (int i = 1; i < history.size(); i++) {
            assertThat(history.get(i).occurredAt()).as("entry %d (%s) after entry %d (%s)", i, history.get(i).cause(),
                    i - 1, history.get(i - 1).cause()).isAfterOrEqualTo(history.get(i - 1).occurredAt());
        }
    }

    private interface Racer<T> {
        T run(int index) throws Exception;
    }

    /** Runs {@code count} racers at once on threads of their own and collects what each answered. */
    private static <T> List<T> race(int count, Racer<T> racer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(count);
            List<Callable<T>> calls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                calls.add(() -> {
                    start.await();
                    return racer.run(index);
                });
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(calls)) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
