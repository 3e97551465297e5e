package io.clawbot.coordinator.application.bot;

import io.clawbot.coordinator.domain.bot.Bot;

/** A bot just registered, with the token it authenticates with; the token is not stored and never shown again. */
public record RegisteredBot(Bot bot, String token) {
}
