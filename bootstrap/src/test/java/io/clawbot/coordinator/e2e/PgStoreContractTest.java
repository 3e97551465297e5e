package io.clawbot.coordinator.e2e;

import io.clawbot.coordinator.adapters.persistence.postgres.DatabaseClock;
import io.clawbot.coordinator.application.contract.StoreContract;
import io.clawbot.coordinator.application.contract.Stores;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.task.port.WorkQueue;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * The store contract against PostgreSQL: the service's own store beans, its clock, the real database. Nothing else
 * runs meanwhile (no dispatch tick, no sweep), so the contract's cases see only what they do.
 */
@QuarkusTest
@TestProfile(QuietService.class)
class PgStoreContractTest extends StoreContract {

    @Inject
    TaskStore tasks;
    @Inject
    TaskLeases leases;
    @Inject
    WorkQueue queue;
    @Inject
    UnitOfWork unitOfWork;
    @Inject
    WorkflowStore workflows;
    @Inject
    BotRegistry bots;
    @Inject
    ChannelTerms terms;
    @Inject
    DatabaseClock clock;
    @Inject
    Vertx vertx;

    @Override
    protected Stores stores() {
        return new Stores() {
            @Override
            public TaskStore tasks() {
                return tasks;
            }

            @Override
            public TaskLeases leases() {
                return leases;
            }

            @Override
            public WorkQueue queue() {
                return queue;
            }

            @Override
            public UnitOfWork unitOfWork() {
                return unitOfWork;
            }

            @Override
            public WorkflowStore workflows() {
                return workflows;
            }

            @Override
            public BotRegistry bots() {
                return OnVertxContext.bots(vertx, bots);
            }

            @Override
            public ChannelTerms terms() {
                return terms;
            }

            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public void pass(Duration time) {
                try {
                    Thread.sleep(time.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public Instant leaseOf(TaskId task) {
                List<List<Object>> rows = Database.rows("select lease_expires_at from tasks where id = '"
                        + task.value() + "'");
                Object lease = rows.isEmpty() ? null : rows.getFirst().getFirst();
                return lease == null ? null : ((OffsetDateTime) lease).toInstant();
            }
        };
    }
}
