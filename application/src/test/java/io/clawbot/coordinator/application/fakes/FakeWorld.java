package io.clawbot.coordinator.application.fakes;

import io.clawbot.coordinator.application.task.RetryDefaults;
import io.clawbot.coordinator.domain.bot.Bot;
import io.clawbot.coordinator.domain.bot.BotStatus;
import io.clawbot.coordinator.domain.bot.ChannelTerms;
import io.clawbot.coordinator.domain.id.BotId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/** The fakes of every port, wired to one in-memory database, one clock and one id source. */
public final class FakeWorld {

    public static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
    public static final Duration STALE_AFTER = Duration.ofSeconds(30);
    /** The channel's timing: heartbeat every 30 s, 10 s to accept, 60 s running lease, 20 s to reconnect. */
    public static final ChannelTerms TERMS = new ChannelTerms(Duration.ofSeconds(30), Duration.ofSeconds(10),
            Duration.ofSeconds(60), Duration.ofSeconds(20));

    public final MutableClock clock = new MutableClock(START);
    public final SequentialIds ids = new SequentialIds();
    public final InMemoryDatabase db = new InMemoryDatabase(clock);
    public final FakeBotRegistry bots = new FakeBotRegistry(db);
    public final FakeTaskStore tasks = new FakeTaskStore(db);
    public final FakeUnitOfWork unitOfWork = new FakeUnitOfWork(db, TERMS);
    public final FakeTaskLeases leases = new FakeTaskLeases(db, TERMS);
    public final FakeWorkQueue queue = new FakeWorkQueue(db, unitOfWork);
    public final FakeWorkflowStore workflows = new FakeWorkflowStore(db);
    public final FakePolicyStore policies = new FakePolicyStore(db);
    public final FakeBotChannel channel = new FakeBotChannel();
    public final CountingWorkSignal signal = new CountingWorkSignal();
    public final FakeBotPresence presence = new FakeBotPresence();
    /** The built-in retry policy: three attempts, backoffs from 1 s. */
    public final RetryDefaults retries = RetryDefaults.builtIn();
    /** The jitter draw: always the middle, so backoffs are predictable. */
    public final DoubleSupplier random = () -> 0.5;

    /** A bot that sent its heartbeat just now, stored directly as a fixture. */
    public Bot onlineBot(String name, String... capabilities) {
        return insertBot(name, BotStatus.ONLINE, clock.instant(), 1, capabilities);
    }

    /** An online bot that runs up to {@code slots} tasks at once, stored directly as a fixture. */
    public Bot onlineBotWithSlots(String name, int slots, String... capabilities) {
        return insertBot(name, BotStatus.ONLINE, clock.instant(), slots, capabilities);
    }

    /** A registered bot that never sent a heartbeat, stored directly as a fixture. */
    public Bot offlineBot(String name, String... capabilities) {
        return insertBot(name, BotStatus.OFFLINE, null, 1, capabilities);
    }

    private Bot insertBot(String name, BotStatus status, Instant heartbeat, int slots, String... capabilities) {
        Instant now = clock.instant();
        Bot bot = new Bot(new BotId(ids.next()), name, List.of(capabilities), status, Map.of(), heartbeat, now, now,
                slots, 0);
        db.insertBot(bot);
        return bot;
    }
}
