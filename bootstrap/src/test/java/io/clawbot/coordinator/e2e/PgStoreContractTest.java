package io.clawbot.coordinator.e2e;

import io.clawbot.coordinator.adapters.persistence.postgres.DatabaseClock;
import io.clawbot.coordinator.application.contract.StoreContract;
import io.clawbot.coordinator.application.contract.Stores;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.lifecycle.port.UnitOfWork;
import io.clawbot.coordinator.domain.policy.port.PolicyStore;
import io.clawbot.coordinator.domain.task.Actor;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskSpec;
import io.clawbot.coordinator.domain.task.TaskTransitioned;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.clawbot.coordinator.domain.task.port.TaskStore;
import io.clawbot.coordinator.domain.task.port.WorkQueue;
import io.clawbot.coordinator.domain.workflow.port.WorkflowStore;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
    PolicyStore policies;
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
            public PolicyStore policies() {
                return policies;
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
    /**
     * Creations that arrive together are written in one transaction; one that PostgreSQL refuses (a NUL character,
     * which jsonb cannot hold, past every check before the store) must fail alone, and the others be created.
     */
    @Test
    void a_creation_the_database_refuses_fails_alone_among_those_written_with_it() {
        for (int round = 0; round < 5; round++) {
            String type = "pg-create-refused-" + UUID.randomUUID();
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Map<String, Object> payload = i % 10 == 9 ? Map.of("text", "a\u0000b") : Map.of("n", i);
                tasks.add(Task.create(new TaskId(UUID.randomUUID()), TaskSpec.of(type, null, payload, null),
                        clock.instant()));
            }
            List<Uni<Object>> sent = new ArrayList<>();
            for (Task task : tasks) {
                sent.add(this.tasks.create(task, TaskTransitioned.created(task, Actor.api()), null)
                        .map(created -> (Object) created).onFailure().recoverWithItem(failure -> failure));
            }
            List<Object> answers = Uni.join().all(sent).andFailFast().await().atMost(Duration.ofSeconds(30));

            for (int i = 0; i < tasks.size(); i++) {
                boolean refused = i % 10 == 9;
                assertThat(answers.get(i)).as("round %d, creation %d", round, i)
                        .isInstanceOf(refused ? Throwable.class : Created.class);
                assertThat(Database.rows("select 1 from tasks where id = '" + tasks.get(i).id().value() + "'"))
                        .as("round %d, task %d stored", round, i).hasSize(refused ? 0 : 1);
            }
        }
    }
}
