package io.github.osscallback.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that moves only when told to, for tests of key ages, back-offs, token expiry and replay
 * windows without waiting: pass it to the builders' {@code clock(...)} options.
 */
public final class ManualClock extends Clock {

    private volatile Instant now;

    /** A clock standing at the given instant. */
    public ManualClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    /** Moves the clock forward (or back, with a negative duration). */
    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
