package io.clawbot.coordinator.e2e;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link SlowBotTest} with the bound on the size of what waits for a bot instead of the number of frames: 60 frames
 * of 900 KB are far fewer than {@code coordinator.channel.max-pending-sends} (1,000) but far more than a megabyte.
 */
@QuarkusTest
@TestProfile(TinyOutboundBytes.class)
class SlowBotBytesTest extends SlowBotTest {
}
