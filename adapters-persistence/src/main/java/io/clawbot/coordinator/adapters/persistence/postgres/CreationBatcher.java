package io.clawbot.coordinator.adapters.persistence.postgres;

import io.clawbot.coordinator.adapters.persistence.WriteQueue;
import io.clawbot.coordinator.domain.common.Created;
import io.clawbot.coordinator.domain.common.IdempotencyKeyReusedException;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.port.TaskStore.NewTask;
import io.clawbot.coordinator.domain.task.port.TaskStore.Stored;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Writes single creations of tasks that arrive together as one batch: while one write is in the database, the
 * creations that arrive queue up and go together in the next transaction. Nothing waits on a timer, so a lone
 * creation is written at once by the one-task statement; under load one commit carries many tasks. Each creation
 * gets the answer it would have had alone: its task created, the task first created under its idempotency key
 * replayed, or the key refused as reused for another request.
 * <p>
 * A batch that PostgreSQL refuses (a statement error: the transaction was rolled back, nothing of it is stored) is
 * written again one task at a time, so that only the creation at fault fails. A batch lost with its connection is
 * not written again: it may have been committed, and each of its requests fails as it would have alone.
 */
final class CreationBatcher {

    /** The most creations in one transaction. */
    static final int MAX_BATCH = 500;

    private record Pending(NewTask task, UniEmitter<? super Created<Task>> answer) {
    }

    private final Function<NewTask, Uni<Created<Task>>> one;
    private final Function<List<NewTask>, Uni<List<Stored>>> many;
    private final Function<Stored, Uni<Task>> replayed;
    private final WriteQueue<Pending> queue = new WriteQueue<>(MAX_BATCH, this::write);

    /**
     * @param one writes one creation alone
     * @param many writes many in one transaction, one outcome each, in order
     * @param replayed reads the task a replayed creation's key names
     */
    CreationBatcher(Function<NewTask, Uni<Created<Task>>> one, Function<List<NewTask>, Uni<List<Stored>>> many,
            Function<Stored, Uni<Task>> replayed) {
        this.one = one;
        this.many = many;
        this.replayed = replayed;
    }

    Uni<Created<Task>> create(NewTask task) {
        return Uni.createFrom().emitter(answer -> {
            queue.add(new Pending(task, answer));
        });
    }

    /** Writes the batch and answers each of its creations. */
    private Uni<Void> write(List<Pending> batch) {
        if (batch.size() == 1) {
            return alone(batch.getFirst());
        }
        return many.apply(batch.stream().map(Pending::task).toList())
                .onItem().transformToUni(outcomes -> {
                    List<Uni<Void>> answers = new ArrayList<>(batch.size());
                    for (int i = 0; i < batch.size(); i++) {
                        answers.add(answer(batch.get(i), outcomes.get(i)));
                    }
                    return Uni.join().all(answers).andCollectFailures().replaceWithVoid();
                })
                .onFailure().recoverWithUni(failure -> {
                    if (failure instanceof PgException) {
                        return Uni.join().all(batch.stream().map(this::alone).toList()).andCollectFailures()
                                .replaceWithVoid();
                    }
                    batch.forEach(p -> p.answer().fail(failure));
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<Void> alone(Pending pending) {
        return one.apply(pending.task()).onItem().invoke(pending.answer()::complete)
                .onFailure().invoke(pending.answer()::fail)
                .replaceWithVoid().onFailure().recoverWithNull();
    }

    private Uni<Void> answer(Pending pending, Stored outcome) {
        return switch (outcome.outcome()) {
            case CREATED -> {
                pending.answer().complete(Created.fresh(pending.task().task()));
                yield Uni.createFrom().voidItem();
            }
            case KEY_REUSED -> {
                pending.answer().fail(new IdempotencyKeyReusedException(pending.task().key().key()));
                yield Uni.createFrom().voidItem();
            }
            case REPLAYED -> replayed.apply(outcome)
                    .onItem().invoke(task -> pending.answer().complete(Created.replay(task)))
                    .onFailure().invoke(pending.answer()::fail)
                    .replaceWithVoid().onFailure().recoverWithNull();
        };
    }
}
