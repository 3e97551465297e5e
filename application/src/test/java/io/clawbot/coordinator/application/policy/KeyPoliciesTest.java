package io.clawbot.coordinator.application.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clawbot.coordinator.application.fakes.FakeWorld;
import io.clawbot.coordinator.domain.common.ValidationException;
import io.clawbot.coordinator.domain.policy.KeyPolicy;
import io.clawbot.coordinator.domain.task.Actor;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeyPoliciesTest {

    private final FakeWorld world = new FakeWorld();
    private final KeyPolicies policies = new KeyPolicies(world.policies, world.signal, world.clock);

    private static <T> T await(io.smallrye.mutiny.Uni<T> uni) {
        return uni.await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void a_pause_is_stored_with_its_author_and_reason_and_a_second_pause_keeps_the_first() {
        KeyPolicy paused = await(policies.pause("customer:42", "asked us to stop", Actor.key("ops")));

        assertThat(paused.pause()).isEqualTo(new KeyPolicy.Pause("asked us to stop", FakeWorld.START, "key:ops"));
        assertThat(paused.version()).isEqualTo(1);
        world.clock.advance(Duration.ofSeconds(3));
        assertThat(await(policies.pause("customer:42", "again", Actor.key("other")))).isEqualTo(paused);
        assertThat(await(policies.get("customer:42"))).isEqualTo(paused);
        assertThat(await(policies.list())).containsExactly(paused);
        assertThat(world.signal.count()).as("a pause makes no work available").isZero();
    }

    @Test
    void a_resume_keeps_the_limit_and_says_work_may_be_available() {
        await(policies.limit("customer:42", 3));
        await(policies.pause("customer:42", null, Actor.key("ops")));
        int signalled = world.signal.count();

        KeyPolicy resumed = await(policies.resume("customer:42"));

        assertThat(resumed).extracting(KeyPolicy::paused, KeyPolicy::maxConcurrency, KeyPolicy::version)
                .containsExactly(false, 3, 3L);
        assertThat(world.signal.count()).isEqualTo(signalled + 1);
    }

    @Test
    void a_limit_is_set_changed_and_given_back_and_each_change_says_work_may_be_available() {
        assertThat(await(policies.limit("repo/app", 2)).maxConcurrency()).isEqualTo(2);
        assertThat(await(policies.limit("repo/app", 2)).version()).as("the same limit again").isEqualTo(1);
        assertThat(await(policies.limit("repo/app", 8)).maxConcurrency()).isEqualTo(8);
        KeyPolicy given = await(policies.limit("repo/app", null));

        assertThat(given).extracting(KeyPolicy::maxConcurrency, KeyPolicy::version).containsExactly(null, 3L);
        assertThat(world.signal.count()).isEqualTo(4);
    }

    @Test
    void a_key_no_one_set_a_policy_for_is_not_paused_and_resuming_it_stores_nothing() {
        assertThat(await(policies.get("acme"))).isEqualTo(KeyPolicy.none("acme"));
        assertThat(await(policies.resume("acme"))).isEqualTo(KeyPolicy.none("acme"));
        assertThat(await(policies.list())).isEmpty();
    }

    @Test
    void a_bad_key_limit_or_reason_is_refused_and_nothing_is_stored() {
        assertThatThrownBy(() -> policies.pause(" ", null, Actor.key("ops"))).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> policies.pause("acme", "x".repeat(501), Actor.key("ops")))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> policies.limit("acme", 0)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> policies.limit("a\u0001b", 2)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> policies.get("")).isInstanceOf(ValidationException.class);
        assertThat(await(policies.list())).isEmpty();
    }
}
