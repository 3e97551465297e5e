package io.clawbot.coordinator.adapters.ws;

import io.clawbot.coordinator.application.bot.BotLifecycle;
import io.clawbot.coordinator.domain.bot.Bot;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Authenticates a bot on the upgrade request, before any session exists: {@code Authorization: Bearer <token>},
 * or a {@code token} query parameter for clients that cannot set headers. A missing, unknown or revoked token
 * gets 401 and no WebSocket. A replica that is shutting down takes no new sessions: 503 with {@code Retry-After},
 * so a bot it just closed does not reconnect to it but waits and tries again (another replica, or this one after
 * its restart).
 */
@ApplicationScoped
public class BotUpgradeCheck implements HttpUpgradeCheck {

    static final UserData.TypedKey<Bot> BOT = new UserData.TypedKey<>("clawbot.bot");

    private final BotLifecycle bots;
    private final BotSessions sessions;

    public BotUpgradeCheck(BotLifecycle bots, BotSessions sessions) {
        this.bots = bots;
        this.sessions = sessions;
    }

    @Override
    public boolean appliesTo(String endpointId) {
        return endpointId.equals(BotControlSocket.class.getName());
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (sessions.isDraining()) {
            return CheckResult.rejectUpgrade(503, Map.of("Retry-After", List.of("1"), "X-Clawbot-Error",
                    List.of("this coordinator replica is shutting down; connect again shortly")));
        }
        String token = bearer(context.httpRequest().getHeader("Authorization"));
        if (token == null) {
            token = context.httpRequest().getParam("token");
        }
        if (token == null || token.isBlank()) {
            return unauthorized("a bot token is required (Authorization: Bearer <token> or ?token=)");
        }
        return bots.authenticate(token).flatMap(bot -> {
            if (bot == null) {
                return unauthorized("unknown or revoked bot token");
            }
            context.userData().put(BOT, bot);
            StrictUtf8.install(context.httpRequest());
            return CheckResult.permitUpgrade();
        });
    }

    private static Uni<CheckResult> unauthorized(String why) {
        return CheckResult.rejectUpgrade(401, Map.of("WWW-Authenticate", List.of("Bearer realm=\"clawbot\""),
                "X-Clawbot-Error", List.of(why)));
    }

    private static String bearer(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).strip();
    }
}
