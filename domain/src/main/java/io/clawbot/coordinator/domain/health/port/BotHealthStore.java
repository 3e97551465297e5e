package io.clawbot.coordinator.domain.health.port;

import io.clawbot.coordinator.domain.health.BotHealth;
import io.clawbot.coordinator.domain.health.BotOutcome;
import io.clawbot.coordinator.domain.id.BotId;
import io.smallrye.mutiny.Uni;
import java.util.List;

/** The bots' health scores by task type, shared by every replica. */
public interface BotHealthStore {

    /**
     * Folds {@code outcomes} (in the order they happened) into the scores of their bots and types under
     * {@code rules}, quarantining where a failure brings a score under the threshold.
     *
     * @return the scores that were quarantined by this call
     */
    Uni<List<BotHealth>> record(List<BotOutcome> outcomes, BotHealth.Rules rules);

    /** The scores of one bot, by type; empty for a bot that has not ended an attempt of a typed task. */
    Uni<List<BotHealth>> of(BotId botId);

    /** The scores whose quarantine has not run out. */
    Uni<List<BotHealth>> quarantined();

    /**
     * Ends the quarantine of {@code botId} for {@code type} now, its outcomes counted from none again; {@code null}
     * when the bot has no score for the type.
     */
    Uni<BotHealth> release(BotId botId, String type);
}
