package io.clawbot.coordinator.application.bot;

import io.clawbot.coordinator.domain.health.BotHealth;
import io.clawbot.coordinator.domain.health.BotOutcome;
import io.clawbot.coordinator.domain.health.port.BotHealthStore;
import io.clawbot.coordinator.domain.common.NotFoundException;
import io.clawbot.coordinator.domain.common.Names;
import io.clawbot.coordinator.domain.dispatch.port.WorkSignal;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.insight.port.WorkMetrics;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.smallrye.mutiny.Uni;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Judges bots by how they work. It hears every committed attempt's end on this replica ({@link BotOutcome}),
 * gathers them and folds them into the shared scores now and then ({@link #flush}); and it keeps this replica's
 * view of the quarantines, read again now and then ({@link #refresh}) and at once when this replica quarantines or
 * releases, so that the dispatch leaves a bot's quarantined types out of its claims ({@link #usable}).
 */
public final class BotHealthWatch implements WorkMetrics {

    /** The most outcomes kept between two flushes; beyond them the oldest are not counted. */
    static final int MAX_WAITING = 100_000;

    private final BotHealthStore store;
    private final BotHealth.Rules rules;
    private final WorkSignal signal;
    private final InstantSource clock;
    private final ConcurrentLinkedQueue<BotOutcome> waiting = new ConcurrentLinkedQueue<>();
    private volatile Map<BotId, List<BotHealth>> quarantined = Map.of();

    public BotHealthWatch(BotHealthStore store, BotHealth.Rules rules, WorkSignal signal, InstantSource clock) {
        this.store = store;
        this.rules = rules;
        this.signal = signal;
        this.clock = clock;
    }

    @Override
    public void moved(Task before, Task task, TaskTransitioned event) {
        BotOutcome.of(before, task, event).ifPresent(outcome -> {
            if (waiting.size() < MAX_WAITING) {
                waiting.add(outcome);
            }
        });
    }

    /**
     * Folds the outcomes heard since the last flush into the scores.
     *
     * @return the scores this flush quarantined
     */
    public Uni<List<BotHealth>> flush() {
        List<BotOutcome> outcomes = new ArrayList<>();
        for (BotOutcome o = waiting.poll(); o != null; o = waiting.poll()) {
            outcomes.add(o);
        }
        if (outcomes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return store.record(outcomes, rules).invoke(newly -> {
            if (!newly.isEmpty()) {
                Map<BotId, List<BotHealth>> next = new HashMap<>(quarantined);
                newly.forEach(h -> next.merge(h.botId(), List.of(h), BotHealthWatch::union));
                quarantined = Map.copyOf(next);
            }
        });
    }

    /** Reads the quarantines again, as every replica decided them. */
    public Uni<Void> refresh() {
        return store.quarantined().invoke(all -> {
            Map<BotId, List<BotHealth>> next = new HashMap<>();
            all.forEach(h -> next.merge(h.botId(), List.of(h), BotHealthWatch::union));
            quarantined = Map.copyOf(next);
        }).replaceWithVoid();
    }

    /** The capabilities of {@code botId} it may be offered work of now: all but those it is quarantined for. */
    public List<String> usable(BotId botId, List<String> capabilities) {
        List<BotHealth> mine = quarantined.get(botId);
        if (mine == null) {
            return capabilities;
        }
        var now = clock.instant();
        Set<String> held = new HashSet<>();
        mine.stream().filter(h -> h.quarantinedAt(now)).forEach(h -> held.add(h.type()));
        return held.isEmpty() ? capabilities : capabilities.stream().filter(c -> !held.contains(c)).toList();
    }

    /** How many bot and type pairs are quarantined now, as this replica knows. */
    public int quarantinedNow() {
        var now = clock.instant();
        return (int) quarantined.values().stream().flatMap(List::stream).filter(h -> h.quarantinedAt(now)).count();
    }

    /** The scores of one bot, by type. */
    public Uni<List<BotHealth>> of(BotId botId) {
        return store.of(botId);
    }

    /** Ends a quarantine now, as an operator decides; its tasks of the type are offered to it again at once. */
    public Uni<BotHealth> release(BotId botId, String type) {
        Names.token("type", type);
        return store.release(botId, type).map(released -> {
            if (released == null) {
                throw NotFoundException.described("bot-health",
                        "Bot " + botId + " has no health score for type " + type);
            }
            List<BotHealth> mine = quarantined.get(botId);
            if (mine != null) {
                Map<BotId, List<BotHealth>> next = new HashMap<>(quarantined);
                List<BotHealth> rest = mine.stream().filter(h -> !h.type().equals(type)).toList();
                if (rest.isEmpty()) {
                    next.remove(botId);
                } else {
                    next.put(botId, rest);
                }
                quarantined = Map.copyOf(next);
            }
            signal.workMayBeAvailable();
            return released;
        });
    }

    private static List<BotHealth> union(List<BotHealth> known, List<BotHealth> more) {
        Map<String, BotHealth> byType = new HashMap<>();
        known.forEach(h -> byType.put(h.type(), h));
        more.forEach(h -> byType.put(h.type(), h));
        return List.copyOf(byType.values());
    }
}
