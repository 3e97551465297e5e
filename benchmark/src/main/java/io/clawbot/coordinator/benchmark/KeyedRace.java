package io.clawbot.coordinator.benchmark;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bots on every replica race over the tasks of one concurrency key: a fleet of its own (ten bots of two slots per
 * replica) takes a batch whose tasks all carry the key {@code tenant:${payload.tenant}} with a limit of
 * {@value #LIMIT}, all ready at once. Claims on different replicas run at the same time, so only the database's
 * count keeps the key within its limit. Beyond the {@link Invariants}, the most tasks of the key held at once,
 * read from the history in the order it was written, must be exactly the limit: above it is the rule broken,
 * below it the race did not happen.
 *
 * <p>The sweep is exact: a release that frees a slot commits before the claim that takes the slot reads the key's
 * count, so the release's history entry has the smaller id, and every assignment that went over the limit shows.
 */
final class KeyedRace {

    static final String TYPE = "keyed";
    static final int LIMIT = 5;
    private static final int BOTS_PER_REPLICA = 10;
    private static final int SLOTS = 2;

    private final Api api;
    private final Replicas replicas;
    private final Invariants invariants;

    KeyedRace(Api api, Replicas replicas, Invariants invariants) {
        this.api = api;
        this.replicas = replicas;
        this.invariants = invariants;
    }

    /** The race's entries for the report, each named with the prefix {@code keyed_race_}. */
    Map<String, Object> run(int tasks, Duration timeout) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        int bots = BOTS_PER_REPLICA * replicas.count();
        try (Fleet fleet = Fleet.connect(api, replicas, bots, SLOTS, List.of(TYPE), "keyed-")) {
            System.out.printf("keyed race: %d bots, %d tasks of one key with max_concurrency %d%n", bots, tasks,
                    LIMIT);
            Load load = new Load(api, replicas, TYPE, "{\"tenant\": \"acme\", \"sleep_ms\": 3}",
                    Load.GENEROUS_RETRIES, "\"concurrency_key\": \"tenant:${payload.tenant}\", \"max_concurrency\": "
                            + LIMIT);
            long start = System.nanoTime();
            load.submitInBatches(tasks, 200);
            invariants.settleAndCheck(load, fleet, timeout).forEach((key, value) -> out.put("keyed_race_" + key,
                    value));
            double seconds = (System.nanoTime() - start) / 1e9;
            out.put("keyed_race_seconds", Percentiles.round(seconds));
            out.put("keyed_race_tasks_per_second", Percentiles.round(load.submitted() / seconds));
        }
        long peak = invariants.number("select coalesce(max(held), 0) from (select sum(case when e.to_status in "
                + "('assigned', 'in_progress') then 1 else -1 end) over (order by e.id) as held from task_events e "
                + "join tasks t on t.id = e.task_id where t.type = ? and (coalesce(e.from_status, '') in "
                + "('assigned', 'in_progress')) <> (e.to_status in ('assigned', 'in_progress'))) h", TYPE);
        out.put("keyed_race_most_held_at_once", peak == LIMIT
                ? peak
                : new Violation(peak > LIMIT
                        ? peak + " tasks of the key held at once, over its limit of " + LIMIT
                        : "at most " + peak + " tasks of the key held at once: the bots never filled its limit of "
                                + LIMIT));
        long counted = invariants.number("select held from concurrency_keys where key = 'tenant:acme'");
        out.put("keyed_race_key_count_after", counted == 0
                ? 0
                : new Violation("the key's count of held tasks is " + counted + " with none held"));
        return out;
    }
}
