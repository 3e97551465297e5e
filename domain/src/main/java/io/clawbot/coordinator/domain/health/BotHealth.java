package io.clawbot.coordinator.domain.health;

import io.clawbot.coordinator.domain.id.BotId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * How well one bot works one task type: a score from 0 to 1, the exponentially weighted moving average of its
 * attempts' outcomes ({@link BotOutcome}: 1 completed, 0 failed or timed out), starting at 1. When a failure brings
 * the score under the {@linkplain Rules#threshold() threshold}, after at least {@linkplain Rules#minSamples() a
 * few} outcomes, the bot is quarantined for the type: it is offered no new tasks of it for the
 * {@linkplain Rules#coolDown() cool-down} (its other capabilities still serve), then it is on probation: its
 * outcomes count from none again, so it is quarantined again only after as many outcomes again. An operator may
 * release it sooner.
 *
 * @param score the moving average, 0 to 1
 * @param samples outcomes counted since the bot first worked the type, or since its last quarantine
 * @param quarantinedUntil while quarantined, until when; else {@code null} or past
 * @param reason why it was last quarantined; {@code null} when it never was
 * @param quarantines how many times it was quarantined for the type
 */
public record BotHealth(BotId botId, String type, double score, long samples, Instant quarantinedUntil,
        String reason, int quarantines, Instant updatedAt) {

    public BotHealth {
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(type, "type");
    }

    /** Whether the bot is quarantined for the type at {@code now}. */
    public boolean quarantinedAt(Instant now) {
        return quarantinedUntil != null && quarantinedUntil.isAfter(now);
    }

    /**
     * The rules of the scores.
     *
     * @param weight how much each new outcome weighs in the average (0 to 1, exclusive of 0)
     * @param threshold a failure that brings the score under this quarantines the bot for the type
     * @param minSamples outcomes needed before a quarantine
     * @param coolDown how long a quarantine lasts
     */
    public record Rules(double weight, double threshold, int minSamples, Duration coolDown) {

        public Rules {
            if (!(weight > 0 && weight <= 1)) {
                throw new IllegalArgumentException("the weight of an outcome must be above 0 and at most 1");
            }
            if (!(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("the threshold must be between 0 and 1");
            }
            if (minSamples < 1) {
                throw new IllegalArgumentException("at least one outcome must come before a quarantine");
            }
            if (coolDown.isNegative() || coolDown.isZero()) {
                throw new IllegalArgumentException("the cool-down must be positive");
            }
        }

        /**
         * What {@code outcomes} of one bot and type, in order, do to a score: the score {@code s} becomes
         * {@code s * decay + gain}, as folding them in one by one would.
         */
        public Step step(List<BotOutcome> outcomes) {
            double decay = 1;
            double gain = 0;
            for (BotOutcome outcome : outcomes) {
                decay *= 1 - weight;
                gain = gain * (1 - weight) + weight * (outcome.succeeded() ? 1 : 0);
            }
            return new Step(decay, gain, outcomes.size(), outcomes.stream().anyMatch(o -> !o.succeeded()),
                    outcomes.getLast().cause());
        }
    }

    /**
     * Outcomes of one bot and type, folded: the score {@code s} becomes {@code s * decay + gain}.
     *
     * @param failed whether any of them is a failure (only a failure may quarantine)
     * @param lastCause the cause of the last of them
     */
    public record Step(double decay, double gain, int count, boolean failed, String lastCause) {

        public double apply(double score) {
            return score * decay + gain;
        }
    }
}
