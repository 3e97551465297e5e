package io.clawbot.coordinator.domain.common.port;

/**
 * The trace the caller runs in, as W3C trace context: what a task keeps of the request that created it, so that
 * its dispatches, its bot's run and its reports continue that trace wherever they happen.
 */
@FunctionalInterface
public interface Tracing {

    /** No tracing: work is created outside any trace. */
    Tracing NONE = () -> null;

    /**
     * The W3C {@code traceparent} of the span now current on the calling thread (a request's), or {@code null}
     * when none is being recorded. Read it before the first asynchronous step.
     */
    String currentParent();
}
