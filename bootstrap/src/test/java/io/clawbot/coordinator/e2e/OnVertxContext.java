package io.clawbot.coordinator.e2e;

import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotQuery;
import io.clawbot.coordinator.domain.bot.port.BotRegistry;
import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.id.BotId;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs calls on a Vert.x context of their own, as a request's would: Hibernate Reactive's sessions, which some store
 * methods open, need one, and a test's thread has none.
 */
final class OnVertxContext {

    private OnVertxContext() {
    }

    static <T> Uni<T> call(Vertx vertx, Supplier<Uni<T>> call) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> call.get().subscribe().with(emitter::complete, emitter::fail));
        });
    }

    /** The bot registry with each call on a context of its own. */
    static BotRegistry bots(Vertx vertx, BotRegistry bots) {
        return new BotRegistry() {
            @Override
            public Uni<Bot> register(Bot bot, String tokenHash) {
                return call(vertx, () -> bots.register(bot, tokenHash));
            }

            @Override
            public Uni<Bot> findByTokenHash(String tokenHash) {
                return call(vertx, () -> bots.findByTokenHash(tokenHash));
            }

            @Override
            public Uni<Boolean> replaceTokenHash(BotId id, String tokenHash) {
                return call(vertx, () -> bots.replaceTokenHash(id, tokenHash));
            }

            @Override
            public Uni<Bot> findById(BotId id) {
                return call(vertx, () -> bots.findById(id));
            }

            @Override
            public Uni<List<Bot>> list(BotQuery query, Duration staleAfter, PageRequest page) {
                return call(vertx, () -> bots.list(query, staleAfter, page));
            }

            @Override
            public Uni<Bot> recordHeartbeat(Bot bot, long expectedVersion) {
                return call(vertx, () -> bots.recordHeartbeat(bot, expectedVersion));
            }

            @Override
            public Uni<Bot> updateStatus(Bot bot, long expectedVersion) {
                return call(vertx, () -> bots.updateStatus(bot, expectedVersion));
            }

            @Override
            public Uni<List<BotId>> markStale(Duration staleAfter) {
                return call(vertx, () -> bots.markStale(staleAfter));
            }

            @Override
            public Uni<Boolean> delete(BotId id) {
                return call(vertx, () -> bots.delete(id));
            }
        };
    }
}
