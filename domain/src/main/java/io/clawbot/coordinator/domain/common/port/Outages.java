package io.clawbot.coordinator.domain.common.port;

/**
 * Tells the failures that mean a backing service cannot serve right now (it is down or restarting, its connections
 * are all busy, a statement ran past its time) from every other failure. An outage is answered "try again shortly"
 * (HTTP 503 with {@code Retry-After}, a bot's {@code error} frame {@code unavailable}) and logged as one line, not
 * as a bug: readiness already tells operators.
 */
public interface Outages {

    /** Whether {@code failure}, or any of its causes, is an outage of a backing service. */
    boolean isOutage(Throwable failure);
}
