package io.clawbot.coordinator.application.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.CountingWorkSignal;
import io.clawbot.coordinator.application.fakes.MutableClock;
import io.clawbot.coordinator.domain.health.BotHealth;
import io.clawbot.coordinator.domain.health.BotOutcome;
import io.clawbot.coordinator.domain.health.port.BotHealthStore;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The watch hears attempts' ends, folds them into the scores when flushed, and keeps a bot's quarantined types out
 * of what it may be offered until the quarantine ends or is released. The scores are kept here in memory by the
 * rules the PostgreSQL store follows (BotQuarantineTest runs them against it).
 */
class BotHealthWatchTest {

    private static final Instant START = Instant.parse("2026-03-14T08:00:00Z");

    /** The scores in memory: fold, then quarantine where a failure brought the score under the threshold. */
    private static final class Scores implements BotHealthStore {

        final Map<List<Object>, BotHealth> rows = new LinkedHashMap<>();
        final MutableClock clock;

        Scores(MutableClock clock) {
            this.clock = clock;
        }

        @Override
        public Uni<List<BotHealth>> record(List<BotOutcome> outcomes, BotHealth.Rules rules) {
            Map<List<Object>, List<BotOutcome>> byPair = new LinkedHashMap<>();
            outcomes.forEach(o -> byPair.computeIfAbsent(List.of(o.botId(), o.type()), k -> new ArrayList<>()).add(o));
            List<BotHealth> newly = new ArrayList<>();
            Instant now = clock.instant();
            byPair.forEach((pair, ofPair) -> {
                BotHealth h = rows.getOrDefault(pair, new BotHealth((BotId) pair.get(0), (String) pair.get(1), 1, 0,
                        null, null, 0, now));
                BotHealth.Step step = rules.step(ofPair);
                double score = step.apply(h.score());
                long samples = h.samples() + step.count();
                boolean q = step.failed() && score < rules.threshold() && samples >= rules.minSamples()
                        && !h.quarantinedAt(now);
                BotHealth next = new BotHealth(h.botId(), h.type(), score, q ? 0 : samples,
                        q ? now.plus(rules.coolDown()) : h.quarantinedUntil(), q ? step.lastCause() : h.reason(),
                        h.quarantines() + (q ? 1 : 0), now);
                rows.put(pair, next);
                if (q) {
                    newly.add(next);
                }
            });
            return Uni.createFrom().item(newly);
        }

        @Override
        public Uni<List<BotHealth>> of(BotId botId) {
            return Uni.createFrom().item(rows.values().stream().filter(h -> h.botId().equals(botId)).toList());
        }

        @Override
        public Uni<List<BotHealth>> quarantined() {
            return Uni.createFrom()
                    .item(rows.values().stream().filter(h -> h.quarantinedAt(clock.instant())).toList());
        }

        @Override
        public Uni<BotHealth> release(BotId botId, String type) {
            BotHealth h = rows.get(List.of(botId, type));
            if (h == null) {
                return Uni.createFrom().nullItem();
            }
            BotHealth released = new BotHealth(botId, type, h.score(), 0, null, h.reason(), h.quarantines(),
                    clock.instant());
            rows.put(List.of(botId, type), released);
            return Uni.createFrom().item(released);
        }
    }

    private final MutableClock clock = new MutableClock(START);
    private final Scores scores = new Scores(clock);
    private final CountingWorkSignal signal = new CountingWorkSignal();
    private final BotHealthWatch watch = new BotHealthWatch(scores,
            new BotHealth.Rules(0.5, 0.5, 2, Duration.ofMinutes(5)), signal, clock);
    private final BotId bot = new BotId(UUID.randomUUID());

    /** Tells the watch that {@code bot} ended an attempt of {@code type}, as the stores do once it is committed. */
    private void ended(String type, boolean completed) {
        Task held = Task.create(new TaskId(UUID.randomUUID()), TaskSpec.of(type, 0, Map.of(), 60), START)
                .claimBy(bot, START);
        TaskStatus to = completed ? TaskStatus.COMPLETED : TaskStatus.FAILED;
        watch.moved(held, held, new TaskTransitioned(held.id(), TaskStatus.ASSIGNED, to, 1, Actor.bot(bot), "test",
                START, completed ? "completed" : "failed"));
    }

    private static <T> T await(Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void a_bot_failing_a_type_is_kept_from_it_once_flushed_and_until_its_quarantine_ends() {
        ended("scrape", false);
        assertThat(await(watch.flush())).as("one outcome is not enough").isEmpty();
        ended("scrape", false);
        ended("render", true);
        assertThat(watch.usable(bot, List.of("scrape", "render"))).as("not before the flush")
                .containsExactly("scrape", "render");

        List<BotHealth> newly = await(watch.flush());

        assertThat(newly).extracting(BotHealth::type).containsExactly("scrape");
        assertThat(watch.usable(bot, List.of("scrape", "render"))).containsExactly("render");
        assertThat(watch.quarantinedNow()).isEqualTo(1);
        assertThat(watch.usable(new BotId(UUID.randomUUID()), List.of("scrape"))).as("another bot")
                .containsExactly("scrape");
        clock.advance(Duration.ofMinutes(5));
        assertThat(watch.usable(bot, List.of("scrape", "render"))).as("the cool-down over")
                .containsExactly("scrape", "render");
    }

    @Test
    void a_release_ends_the_quarantine_at_once_and_says_work_may_be_available() {
        ended("scrape", false);
        ended("scrape", false);
        await(watch.flush());

        BotHealth released = await(watch.release(bot, "scrape"));

        assertThat(released.quarantinedAt(clock.instant())).isFalse();
        assertThat(released.samples()).isZero();
        assertThat(watch.usable(bot, List.of("scrape"))).containsExactly("scrape");
        assertThat(signal.count()).isEqualTo(1);
        assertThatThrownBy(() -> await(watch.release(bot, "never"))).isInstanceOf(NotFoundException.class);
    }

    @Test
    void a_refresh_takes_in_the_quarantines_other_replicas_decided() {
        BotHealthWatch elsewhere = new BotHealthWatch(scores, new BotHealth.Rules(0.5, 0.5, 2, Duration.ofMinutes(5)),
                signal, clock);
        ended("scrape", false);
        ended("scrape", false);
        await(watch.flush());
        assertThat(elsewhere.usable(bot, List.of("scrape"))).as("before it reads them").containsExactly("scrape");

        await(elsewhere.refresh());

        assertThat(elsewhere.usable(bot, List.of("scrape"))).isEmpty();
    }
}
