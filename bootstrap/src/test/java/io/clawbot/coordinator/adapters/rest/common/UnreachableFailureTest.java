package io.clawbot.coordinator.adapters.rest.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Which failures answer 503 (a backing service could not be reached) rather than 500. The whole path, PostgreSQL
 * stopped under real requests, is the fault suite's {@code postgres-down} scenario.
 */
class UnreachableFailureTest {

    @Test
    void a_refused_connection_however_deeply_wrapped_is_unreachable() {
        Throwable wrapped = new CompletionException(new IllegalStateException("query failed",
                new ConnectException("Connection refused: /127.0.0.1:5432")));
        assertThat(ProblemMapper.unreachable(wrapped)).isTrue();
        assertThat(ProblemMapper.unreachable(new java.nio.channels.ClosedChannelException())).isTrue();
    }

    @Test
    void other_failures_are_not() {
        assertThat(ProblemMapper.unreachable(new IllegalStateException("a bug"))).isFalse();
        assertThat(ProblemMapper.unreachable(new RuntimeException("outer", new NullPointerException()))).isFalse();
    }
}
