package io.clawbot.coordinator.domain.trigger.port;

import java.util.Map;

/** Reads a delivery's JSON body once its signature has been checked, with the API's limits on depth and size. */
public interface JsonBodies {

    /**
     * The body as a JSON object.
     *
     * @throws io.clawbot.coordinator.domain.common.ValidationException when it is not one
     */
    Map<String, Object> object(byte[] body);
}
