package io.clawbot.coordinator.application.contract;

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

/** The stores of one database, as the {@link StoreContract} drives them: the in-memory ones or PostgreSQL's. */
public interface Stores {

    TaskStore tasks();

    TaskLeases leases();

    WorkQueue queue();

    UnitOfWork unitOfWork();

    WorkflowStore workflows();

    BotRegistry bots();

    PolicyStore policies();

    /** The acknowledgement and running leases the stores give. */
    ChannelTerms terms();

    /** The time the service computes with: the clock use cases pass to the domain. */
    Instant now();

    /** Lets {@code time} pass by the stores' clock: the in-memory one moves its clock, a real database waits. */
    void pass(Duration time);

    /** When the task's lease lapses, as stored; {@code null} when it has none. */
    Instant leaseOf(TaskId task);
}
