package io.clawbot.coordinator.adapters.ws;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.impl.ConnectionBase;
import org.jboss.logging.Logger;

/**
 * Refuses text frames that are not UTF-8, as RFC 6455 asks (close code 1007). The transport decodes a text frame
 * into a string before any handler sees it and reads invalid bytes as U+FFFD, so the check has to sit in the
 * connection itself: Netty's own validator, placed before Vert.x's handler when the upgrade is accepted. It stays
 * there when the HTTP decoder is replaced by the WebSocket one, and passes the HTTP messages before that through.
 * This reaches into Vert.x's connection (a pinned version, ADR 0002); if its shape ever changes the validator is
 * simply not installed, and {@code ApiResourceConsumptionTest} says so.
 */
final class StrictUtf8 {

    private static final Logger LOG = Logger.getLogger(StrictUtf8.class);
    static final String NAME = "clawbot-utf8";
    /** Vert.x's connection handler in an HTTP/1 pipeline. */
    private static final String VERTX_HANDLER = "handler";

    private StrictUtf8() {
    }

    static void install(HttpServerRequest request) {
        try {
            if (!(request.connection() instanceof ConnectionBase connection)) {
                return;
            }
            ChannelPipeline pipeline = connection.channel().pipeline();
            if (pipeline.get(NAME) == null && pipeline.get(VERTX_HANDLER) != null) {
                pipeline.addBefore(VERTX_HANDLER, NAME, new Utf8FrameValidator(true));
            }
        } catch (RuntimeException e) {
            LOG.debugf("could not install the UTF-8 check on a bot connection: %s", e.getMessage());
        }
    }
}
