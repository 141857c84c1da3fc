package io.github.osscallback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Remembers which callbacks were already accepted, for replay protection. The default keeps
 * them in memory; a cluster shares one store so that a callback replayed to another node is
 * caught too. A Redis-backed store is one command: {@code SET <prefix><key> 1 NX PX <window ms>},
 * which answers OK exactly when the key was not yet there.
 */
public interface ReplayStore {

    /**
     * Atomically records a key for the window.
     *
     * @return true if the key was not recorded within the window (first delivery), false for a replay
     * @throws RuntimeException if the store cannot be reached; the callback is then refused with 503
     */
    boolean firstSeen(String key, Duration window);

    /** An in-memory store holding at most {@code maxEntries} keys, each for the window it was recorded with. */
    static ReplayStore inMemory(int maxEntries) {
        return inMemory(maxEntries, Clock.systemUTC());
    }

    /** As {@link #inMemory(int)}, with a clock tests control. */
    static ReplayStore inMemory(int maxEntries, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, got " + maxEntries);
        }
        Objects.requireNonNull(clock, "clock");
        return new InMemoryReplayStore(maxEntries, clock);
    }
}

/** Caffeine-backed {@link ReplayStore}; entries expire with their own window. */
final class InMemoryReplayStore implements ReplayStore {

    private final Cache<String, Long> seen;
    private final Clock clock;

    InMemoryReplayStore(int maxEntries, Clock clock) {
        this.clock = clock;
        this.seen = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .expireAfter(new com.github.benmanes.caffeine.cache.Expiry<String, Long>() {
                    @Override
                    public long expireAfterCreate(String key, Long expiresAtMillis, long currentTime) {
                        return TimeUnit.MILLISECONDS.toNanos(Math.max(0, expiresAtMillis - clock.millis()));
                    }

                    @Override
                    public long expireAfterUpdate(String key, Long value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(String key, Long value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    @Override
    public boolean firstSeen(String key, Duration window) {
        AtomicBoolean first = new AtomicBoolean();
        long expiresAt = clock.millis() + window.toMillis();
        seen.asMap().compute(key, (k, existing) -> {
            if (existing != null && existing > clock.millis()) {
                return existing;
            }
            first.set(true);
            return expiresAt;
        });
        return first.get();
    }
}
