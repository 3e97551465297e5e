package io.clawbot.coordinator.application.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.policy.DispatchPolicy;
import io.clawbot.coordinator.domain.task.Actor;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DispatchPoliciesTest {

    private final FakeWorld world = new FakeWorld();
    private final DispatchPolicies policies = new DispatchPolicies(world.policies, world.signal, world.clock);

    private static <T> T await(io.smallrye.mutiny.Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void a_pause_is_stored_with_its_author_and_reason_and_a_second_pause_keeps_the_first() {
        DispatchPolicy paused = await(policies.pause("build", "registry down", Actor.key("ops")));

        assertThat(paused).extracting(DispatchPolicy::paused, DispatchPolicy::pauseReason, DispatchPolicy::pausedBy,
                DispatchPolicy::pausedAt, DispatchPolicy::version)
                .containsExactly(true, "registry down", "key:ops", FakeWorld.START, 1L);
        world.clock.advance(Duration.ofSeconds(3));
        assertThat(await(policies.pause("build", "again", Actor.key("other")))).isEqualTo(paused);
        assertThat(await(policies.get("build"))).isEqualTo(paused);
        assertThat(await(policies.list())).containsExactly(paused);
        assertThat(world.signal.count()).as("a pause makes no work available").isZero();
    }

    @Test
    void a_resume_is_stored_and_says_work_may_be_available() {
        await(policies.pause("build", null, Actor.key("ops")));

        DispatchPolicy resumed = await(policies.resume("build"));

        assertThat(resumed).extracting(DispatchPolicy::paused, DispatchPolicy::version).containsExactly(false, 2L);
        assertThat(world.signal.count()).isEqualTo(1);
    }

    @Test
    void a_type_no_one_set_a_policy_for_is_not_paused_and_resuming_it_stores_nothing() {
        assertThat(await(policies.get("deploy"))).isEqualTo(DispatchPolicy.none("deploy"));
        assertThat(await(policies.resume("deploy"))).isEqualTo(DispatchPolicy.none("deploy"));
        assertThat(await(policies.list())).isEmpty();
    }

    @Test
    void a_bad_type_or_reason_is_refused_and_nothing_is_stored() {
        assertThatThrownBy(() -> policies.pause("no spaces", null, Actor.key("ops")))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> policies.pause("build", "x".repeat(501), Actor.key("ops")))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> policies.get("")).isInstanceOf(ValidationException.class);
        assertThat(await(policies.list())).isEmpty();
    }
}
