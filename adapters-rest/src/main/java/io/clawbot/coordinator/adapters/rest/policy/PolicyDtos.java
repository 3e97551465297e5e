package io.clawbot.coordinator.adapters.rest.policy;

import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.policy.KeyPolicy;
import io.clawbot.coordinator.domain.task.ConcurrencyLimit;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON shapes of the dispatch policies. */
public final class PolicyDtos {

    private PolicyDtos() {
    }

    // @formatter:off
    @Schema(name = "PauseRequest", description = "Why the type is paused; the body may be left out")
    public record PauseRequest(
            @Schema(description = "Why it is paused, for whoever looks at the type or its tasks later", maxLength = DispatchPolicy.MAX_REASON_LENGTH, example = "the upstream API is down") String reason) {
    }

    @Schema(name = "TypePolicy", description = "How a task type's tasks are dispatched", requiredProperties = { "type", "paused", "version" })
    public record TypePolicyResponse(
            @Schema(description = "The task type") String type,
            @Schema(description = "Whether its tasks are held back: they stay pending, and no bot is offered them until the type is resumed") boolean paused,
            @Schema(description = "Why it was paused; only while paused") String pauseReason,
            @Schema(description = "When it was paused; only while paused") Instant pausedAt,
            @Schema(description = "Who paused it (key:<name>); only while paused") String pausedBy,
            @Schema(description = "When the policy last changed; absent for a type no one has set a policy for") Instant updatedAt,
            @Schema(description = "Increases with every change; 0 for a type no one has set a policy for") long version) {
        // @formatter:on

        public static TypePolicyResponse of(DispatchPolicy p) {
            return new TypePolicyResponse(p.type(), p.paused(), p.pauseReason(), p.pausedAt(), p.pausedBy(),
                    p.updatedAt(), p.version());
        }
    }

    // @formatter:off
    @Schema(name = "KeyLimitRequest", description = "How many of a concurrency key's tasks bots may hold at once, for every task of the key whatever it states", requiredProperties = { "max_concurrency" })
    public record KeyLimitRequest(
            @Schema(description = "The key's limit", minimum = "" + ConcurrencyLimit.MIN_MAX, maximum = "" + ConcurrencyLimit.MAX_MAX, example = "2") Integer maxConcurrency) {
    }

    @Schema(name = "KeyPolicy", description = "How a concurrency key's tasks are dispatched", requiredProperties = { "key", "paused", "version" })
    public record KeyPolicyResponse(
            @Schema(description = "The concurrency key") String key,
            @Schema(description = "Whether its tasks are held back: they stay pending, and no bot is offered them until the key is resumed") boolean paused,
            @Schema(description = "Why it was paused; only while paused") String pauseReason,
            @Schema(description = "When it was paused; only while paused") Instant pausedAt,
            @Schema(description = "Who paused it (key:<name>); only while paused") String pausedBy,
            @Schema(description = "How many of its tasks bots may hold at once, replacing the max_concurrency its tasks state; absent: as each task states") Integer maxConcurrency,
            @Schema(description = "When the policy last changed; absent for a key no one has set a policy for") Instant updatedAt,
            @Schema(description = "Increases with every change; 0 for a key no one has set a policy for") long version) {
        // @formatter:on

        public static KeyPolicyResponse of(KeyPolicy p) {
            KeyPolicy.Pause pause = p.pause();
            return new KeyPolicyResponse(p.key(), p.paused(), pause == null ? null : pause.reason(),
                    pause == null ? null : pause.at(), pause == null ? null : pause.by(), p.maxConcurrency(),
                    p.updatedAt(), p.version());
        }
    }
}
