package io.clawbot.coordinator.domain.task;

import io.clawbot.coordinator.domain.id.BotId;
import java.util.Objects;

/** Who caused a transition, as recorded in the task history: {@code system}, {@code key:<name>}, {@code bot:<id>}, or {@code api} in histories written before keys existed. */
public record Actor(String value) {

    private static final Actor API = new Actor("api");
    private static final Actor SYSTEM = new Actor("system");

    public Actor {
        Objects.requireNonNull(value, "value");
    }

    public static Actor api() {
        return API;
    }

    public static Actor system() {
        return SYSTEM;
    }

    /** A client, by the name of its API key. */
    public static Actor key(String name) {
        return new Actor("key:" + name);
    }

    public static Actor bot(BotId id) {
        return new Actor("bot:" + id);
    }
}
