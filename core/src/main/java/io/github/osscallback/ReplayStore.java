package io.github.osscallback;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Remembers which callbacks were already accepted, for replay protection. The default keeps
 * them in memory; a cluster shares one store so that a callback replayed to another node is
 * caught too. A Redis-backed store is one command: {@code SET <prefix><key> 1 NX PX <window ms>},
 * which answers OK exactly when the key was not yet there.
 *
 * <p>A store must never forget a key before its window ends: a forgotten key is a replay
 * accepted. A store that cannot record a new key (full, unreachable) throws instead, and the
 * callback is refused with 503 {@code replay_store_unavailable}. Size a bounded store for
 * <b>at least peak callback rate × window</b> entries, e.g. 100 callbacks/s with a 10-minute
 * window needs 60,000; the in-memory store reclaims each entry as its window ends, so a store
 * sized this way keeps accepting for ever.
 */
public interface ReplayStore {

    /**
     * Atomically records a key for the window.
     *
     * @return true if the key was not recorded within the window (first delivery), false for a replay
     * @throws RuntimeException if the store cannot record the key (unreachable, or full of keys whose
     *     window has not ended); the callback is then refused with 503
     */
    boolean firstSeen(String key, Duration window);

    /**
     * Forgets a key that {@link #firstSeen} just recorded for a callback a later check then refused
     * (OSS unreachable, a token already used), so that an identical genuine callback after it is not
     * taken for a replay of one that was never accepted. Best effort: a store that cannot forget
     * keeps the key until its window ends; it must never throw. The default forgets nothing.
     */
    default void forget(String key) {
    }

    /**
     * {@link #firstSeen} without holding the caller's thread, for the verifier's non-blocking path
     * ({@link CallbackVerifier#verifyAsync}) and, joined, its blocking one. A store that talks to
     * a server overrides it with its client's asynchronous API (the Redis store does); the default
     * calls {@link #firstSeen} on the calling thread, which is right for a store in memory and
     * blocks for one that waits.
     *
     * @return a stage completing as {@code firstSeen} returns, or exceptionally as it throws
     */
    default CompletionStage<Boolean> firstSeenAsync(String key, Duration window) {
        try {
            return CompletableFuture.completedFuture(firstSeen(key, window));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@link #forget} without holding the caller's thread; best effort, so the stage always
     * completes normally. The default calls {@link #forget} on the calling thread.
     */
    default CompletionStage<Void> forgetAsync(String key) {
        try {
            forget(key);
        } catch (RuntimeException ignored) {
            // forget must not throw; one that does has forgotten nothing, which is allowed
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * An in-memory store holding at most {@code maxEntries} keys, each until the window it was
     * recorded with ends. When all {@code maxEntries} are within their window, a new key is refused
     * with an exception (the callback gets 503) rather than an unexpired key being forgotten; size it
     * for at least peak callback rate × window.
     */
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

/**
 * Exact bounded {@link ReplayStore}: a map of keys to the end of their window and a heap ordered by
 * that end, so expired keys are reclaimed oldest first on every call and an unexpired key is never
 * dropped. One lock guards both: each call is a few map and heap operations, far below the cost of
 * the signature check before it.
 */
final class InMemoryReplayStore implements ReplayStore {

    private final int maxEntries;
    private final Clock clock;
    private final Map<String, Long> expiresAt = new HashMap<>();
    private final PriorityQueue<Recorded> byExpiry = new PriorityQueue<>();

    InMemoryReplayStore(int maxEntries, Clock clock) {
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    @Override
    public boolean firstSeen(String key, Duration window) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive, got " + window);
        }
        synchronized (this) {
            // Read the clock under the lock, so no caller judges expiry by an instant older than
            // one another caller already reclaimed by.
            long now = clock.millis();
            reclaimExpired(now);
            if (expiresAt.containsKey(key)) {
                return false;
            }
            if (expiresAt.size() >= maxEntries) {
                throw new ReplayStoreFullException(maxEntries);
            }
            long until = saturatedAdd(now, window);
            expiresAt.put(key, until);
            byExpiry.add(new Recorded(key, until));
            return true;
        }
    }

    @Override
    public synchronized void forget(String key) {
        // Its heap entry stays until its time; reclaimExpired skips entries no longer in the map.
        expiresAt.remove(key);
    }

    /** Number of keys held, expired or not; for tests. */
    synchronized int size() {
        return expiresAt.size();
    }

    private void reclaimExpired(long now) {
        // Every held key has one heap entry with its own end (a forgotten key's entry waits for its
        // end too), so the heap's head is the next entry to expire.
        for (Recorded head = byExpiry.peek(); head != null && head.until <= now; head = byExpiry.peek()) {
            byExpiry.poll();
            // A key forgotten and recorded again has a later entry of its own; only its own ends it.
            expiresAt.remove(head.key, head.until);
        }
    }

    private static long saturatedAdd(long now, Duration window) {
        try {
            return Math.addExact(now, window.toMillis());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private static final class Recorded implements Comparable<Recorded> {
        final String key;
        final long until;

        Recorded(String key, long until) {
            this.key = key;
            this.until = until;
        }

        @Override
        public int compareTo(Recorded other) {
            return Long.compare(until, other.until);
        }
    }
}

/**
 * Thrown by the in-memory store when every entry is still within its window: refusing the new
 * callback (503) is safe, forgetting an old one would let its replay through.
 */
final class ReplayStoreFullException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    ReplayStoreFullException(int maxEntries) {
        super("replay store full: all " + maxEntries + " entries are within their window; size it for at least"
                + " peak callback rate x window");
    }
}
