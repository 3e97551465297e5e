package io.clawbot.coordinator.domain.testing;

import static org.assertj.core.api.Assertions.fail;

import io.clawbot.coordinator.domain.common.Refusal;
import io.clawbot.coordinator.domain.common.Transition;

/** Unwraps a {@link Transition} of the expected kind, failing the test with the actual one otherwise. */
public final class Transitions {

    private Transitions() {
    }

    public static <T> T changed(Transition<T> transition) {
        if (transition instanceof Transition.Changed<T> c) {
            return c.next();
        }
        return fail("expected a change but got " + transition);
    }

    public static <T> T unchanged(Transition<T> transition) {
        if (transition instanceof Transition.Unchanged<T> u) {
            return u.current();
        }
        return fail("expected an idempotent repeat but got " + transition);
    }

    /** The detail of the rejection. */
    public static <T> String rejected(Transition<T> transition) {
        if (transition instanceof Transition.Rejected<T> r) {
            return r.detail();
        }
        return fail("expected a rejection but got " + transition);
    }

    /** The kind of the rejection. */
    public static <T> Refusal refusal(Transition<T> transition) {
        if (transition instanceof Transition.Rejected<T> r) {
            return r.reason();
        }
        return fail("expected a rejection but got " + transition);
    }
}
