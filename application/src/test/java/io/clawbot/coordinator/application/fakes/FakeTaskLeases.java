package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.id.BotId;
import io.clawbot.coordinator.domain.id.TaskId;
import io.clawbot.coordinator.domain.task.Task;
import io.clawbot.coordinator.domain.task.TaskProgress;
import io.clawbot.coordinator.domain.task.TaskStatus;
import io.clawbot.coordinator.domain.task.port.TaskLeases;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Leases and deadlines in memory, judged by the database's clock as the port says. */
public final class FakeTaskLeases implements TaskLeases {

    private final InMemoryDatabase db;
    private final Duration lease;

    public FakeTaskLeases(InMemoryDatabase db, ChannelTerms terms) {
        this.db = db;
        this.lease = terms.lease();
    }

    @Override
    public Uni<Void> renewRunningLeases(BotId botId, List<Running> running) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant until = db.clock.instant().plus(lease);
                for (Running r : running) {
                    Task task = db.tasks.get(r.taskId());
                    if (task != null && botId.equals(task.botId()) && task.attempt() == r.attempt()
                            && task.status() == TaskStatus.IN_PROGRESS) {
                        db.leaseExpiresAt.put(task.id(), until);
                    }
                }
                return null;
            }
        });
    }

    @Override
    public Uni<Void> renewRunningLeases(BotId botId) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant until = db.clock.instant().plus(lease);
                db.heldBy(botId).stream().filter(t -> t.status() == TaskStatus.IN_PROGRESS)
                        .forEach(t -> db.leaseExpiresAt.put(t.id(), until));
                return null;
            }
        });
    }

    @Override
    public Uni<Boolean> renewLease(TaskId taskId, int attempt, BotId botId, Map<String, Object> progress) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Task task = db.tasks.get(taskId);
                if (task == null || task.status() != TaskStatus.IN_PROGRESS || task.attempt() != attempt
                        || !botId.equals(task.botId())) {
                    return false;
                }
                db.leaseExpiresAt.put(taskId, db.clock.instant().plus(lease));
                if (progress != null) {
                    db.tasks.put(taskId, task.withProgress(new TaskProgress(progress, attempt, db.clock.instant())));
                }
                return true;
            }
        });
    }

    @Override
    public Uni<Void> shortenLeases(BotId botId, Duration grace) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant limit = db.clock.instant().plus(grace);
                for (Task held : db.heldBy(botId)) {
                    Instant current = db.leaseExpiresAt.get(held.id());
                    if (current == null || current.isAfter(limit)) {
                        db.leaseExpiresAt.put(held.id(), limit);
                    }
                }
                return null;
            }
        });
    }

    @Override
    public Uni<List<Task>> renewHeldLeases(BotId botId) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant now = db.clock.instant();
                List<Task> held = db.heldBy(botId);
                held.stream().filter(t -> t.status() == TaskStatus.IN_PROGRESS)
                        .forEach(t -> db.leaseExpiresAt.put(t.id(), now.plus(lease)));
                return held;
            }
        });
    }

    @Override
    public Uni<List<Task>> expiredLeases(int limit) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant now = db.clock.instant();
                return db.tasks.values().stream()
                        .filter(t -> t.status().isHeldByBot())
                        .filter(t -> db.leaseExpiresAt.containsKey(t.id()))
                        .filter(t -> db.leaseExpiresAt.get(t.id()).isBefore(now))
                        .sorted(Comparator.comparing((Task t) -> db.leaseExpiresAt.get(t.id()))
                                .thenComparing(t -> t.id().value()))
                        .limit(limit)
                        .toList();
            }
        });
    }

    @Override
    public Uni<List<Task>> expiredDeadlines(int limit) {
        return Uni.createFrom().item(() -> {
            synchronized (db) {
                Instant now = db.clock.instant();
                return db.tasks.values().stream()
                        .filter(t -> t.status() == TaskStatus.PENDING || t.status() == TaskStatus.IN_PROGRESS)
                        .filter(t -> t.deadlineAt() != null && t.deadlineAt().isBefore(now))
                        .sorted(Comparator.comparing(Task::deadlineAt).thenComparing(t -> t.id().value()))
                        .limit(limit)
                        .toList();
            }
        });
    }

}
