package io.clawbot.coordinator.bootstrap.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The dashboard's pages ({@code /ui/}, static files under {@code META-INF/resources/ui}) get a Content-Security-Policy
 * of their own: the service's default ({@code default-src 'none'}) would stop the page's own script and style. Still
 * nothing but this origin: no inline script or style, no frames, no other hosts. {@code /ui} leads to {@code /ui/}.
 */
@ApplicationScoped
public class Dashboard {

    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    void routes(@Observes Router router) {
        router.get("/ui").order(-10).handler(rc -> {
            // Vert.x matches /ui/ here too; only the bare path is sent on.
            if (rc.request().path().equals("/ui")) {
                rc.response().setStatusCode(301).putHeader(HttpHeaders.LOCATION, "/ui/").end();
            } else {
                rc.next();
            }
        });
        router.route("/ui/*").order(-10).handler(rc -> {
            rc.addHeadersEndHandler(ignored -> rc.response().headers().set("Content-Security-Policy", POLICY));
            rc.next();
        });
    }
}
