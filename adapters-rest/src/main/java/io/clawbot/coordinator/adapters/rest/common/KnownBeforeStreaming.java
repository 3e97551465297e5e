package io.clawbot.coordinator.adapters.rest.common;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Server-Sent Events operation whose subject (the {@code task_id} or {@code workflow_id} of its path) is
 * looked up, within the caller's scope, before the answer starts: an event stream's status is sent at once, so an
 * unknown or hidden subject must be answered 404 before that (see {@code StreamPreconditions}).
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface KnownBeforeStreaming {
}
