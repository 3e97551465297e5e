package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.domain.bot.port.BotPresence;
import io.clawbot.coordinator.domain.id.BotId;
import io.smallrye.mutiny.Uni;
import java.util.HashMap;
import java.util.Map;

/** Presence in a map, as one replica named {@value #SELF} writes it; other replicas' entries are set directly. */
public final class FakeBotPresence implements BotPresence {

    public static final String SELF = "replica-a";

    public final Map<BotId, String> entries = new HashMap<>();

    @Override
    public String self() {
        return SELF;
    }

    @Override
    public void here(BotId bot) {
        entries.put(bot, SELF);
    }

    @Override
    public void gone(BotId bot) {
        entries.remove(bot, SELF);
    }

    @Override
    public Uni<String> whereIs(BotId bot) {
        return Uni.createFrom().item(entries.get(bot));
    }
}
