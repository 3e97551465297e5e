package io.clawbot.coordinator.bootstrap.trigger;

import io.clawbot.coordinator.adapters.rest.trigger.HookConfig;
import io.clawbot.coordinator.application.task.SubmitTask;
import io.clawbot.coordinator.application.trigger.HookReplies;
import io.clawbot.coordinator.application.trigger.ReceiveHook;
import io.clawbot.coordinator.application.trigger.TriggerWork;
import io.clawbot.coordinator.application.trigger.Triggers;
import io.clawbot.coordinator.application.workflow.WorkflowDefinitions;
import io.clawbot.coordinator.application.workflow.WorkflowLifecycle;
import io.clawbot.coordinator.domain.common.port.Conditions;
import io.clawbot.coordinator.domain.common.port.IdSource;
import io.clawbot.coordinator.domain.common.port.RateLimiter;
import io.clawbot.coordinator.domain.trigger.port.ChatReplies;
import io.clawbot.coordinator.domain.trigger.port.DeliveryStore;
import io.clawbot.coordinator.domain.trigger.port.JsonBodies;
import io.clawbot.coordinator.domain.trigger.port.TriggerStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.InstantSource;

/** Makes the trigger use cases into beans. */
public class TriggerWiring {

    @Produces
    @Singleton
    TriggerWork triggerWork(SubmitTask tasks, WorkflowLifecycle workflows, WorkflowDefinitions definitions) {
        return new TriggerWork(tasks, workflows, definitions);
    }

    @Produces
    @Singleton
    Triggers triggers(TriggerStore store, DeliveryStore deliveries, WorkflowDefinitions definitions,
            InstantSource clock, Conditions conditions) {
        return new Triggers(store, deliveries, definitions, clock, conditions);
    }

    @Produces
    @Singleton
    ReceiveHook receiveHook(TriggerStore triggers, DeliveryStore deliveries, TriggerWork work, RateLimiter limiter,
            JsonBodies json, IdSource ids, InstantSource clock, HookConfig config, Conditions conditions) {
        return new ReceiveHook(triggers, deliveries, work, limiter, json, ids, clock,
                new ReceiveHook.Defaults(config.rateLimit().maxRequests(), config.rateLimit().windowSeconds(),
                        config.slack().responseUrlHosts()),
                conditions);
    }

    @Produces
    @Singleton
    HookReplies hookReplies(DeliveryStore deliveries, TriggerStore triggers, TriggerWork work, ChatReplies chat,
            InstantSource clock) {
        return new HookReplies(deliveries, triggers, work, chat, clock);
    }
}
