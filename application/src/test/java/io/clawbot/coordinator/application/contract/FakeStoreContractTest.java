package io.clawbot.coordinator.application.contract;

import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.clawbot.coordinator.domain.policy.port.PolicyStore;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.task.port.WorkQueue;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import java.time.Duration;
import java.time.Instant;

/** The store contract against the in-memory stores, which carry out the domain's rules as written. */
class FakeStoreContractTest extends StoreContract {

    private final FakeWorld world = new FakeWorld();

    @Override
    protected Stores stores() {
        return new Stores() {
            @Override
            public TaskStore tasks() {
                return world.tasks;
            }

            @Override
            public TaskLeases leases() {
                return world.leases;
            }

            @Override
            public WorkQueue queue() {
                return world.queue;
            }

            @Override
            public UnitOfWork unitOfWork() {
                return world.unitOfWork;
            }

            @Override
            public WorkflowStore workflows() {
                return world.workflows;
            }

            @Override
            public BotRegistry bots() {
                return world.bots;
            }

            @Override
            public PolicyStore policies() {
                return world.policies;
            }

            @Override
            public ChannelTerms terms() {
                return FakeWorld.TERMS;
            }

            @Override
            public Instant now() {
                return world.clock.instant();
            }

            @Override
            public void pass(Duration time) {
                world.clock.advance(time);
            }

            @Override
            public Instant leaseOf(TaskId task) {
                return world.db.leaseExpiresAt(task);
            }
        };
    }
}
