package io.clawbot.coordinator.adapters.rest.common;

import jakarta.ws.rs.core.Response;
import java.util.function.Function;

/** Answers a creation: 201 with its location, or 200 with the original for an idempotent repeat. */
public final class Created {

    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private Created() {
    }

    public static <T> Response response(io.clawbot.coordinator.domain.common.Created<T> created,
            Function<T, ?> body, Function<T, String> location) {
        T resource = created.resource();
        if (created.replayed()) {
            return Response.ok(body.apply(resource)).header(REPLAYED_HEADER, "true").build();
        }
        return at(location.apply(resource)).entity(body.apply(resource)).build();
    }

    /**
     * 201 with {@code path} as its {@code Location}, as given: relative to the service, never resolved against the
     * request's {@code Host}, which the client chose.
     */
    public static Response.ResponseBuilder at(String path) {
        return Response.status(Response.Status.CREATED).header("Location", path);
    }
}
