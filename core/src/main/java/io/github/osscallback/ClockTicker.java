package io.github.osscallback;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Caffeine's time source read from the verifier's {@link Clock}, so a cache expires entries by the
 * same time that decides key ages and back-offs, and a test's manual clock moves both.
 */
final class ClockTicker implements Ticker {

    private final Clock clock;

    ClockTicker(Clock clock) {
        this.clock = clock;
    }

    @Override
    public long read() {
        return TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }
}
