package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.osscallback.testing.ManualClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ReplayStore} must do. A store implementation's test extends this class and
 * says how to make a store with a capacity and a clock it controls; a store without a capacity
 * bound (one that never fills) overrides {@link #bounded()} to skip the fullness cases.
 */
public abstract class ReplayStoreContract {

    protected static final Duration WINDOW = Duration.ofMinutes(10);

    protected final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T00:00:00Z"));
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    /** A new, empty store holding at most {@code maxEntries} keys, reading time from {@code clock}. */
    protected abstract ReplayStore newStore(int maxEntries, Clock clock);

    /** Whether the store refuses new keys once {@code maxEntries} unexpired keys are held. */
    protected boolean bounded() {
        return true;
    }

    /**
     * Lets {@code duration} pass for the store. The default advances {@link #clock}; a store that
     * keeps its own time (a server's expiry) shortens what remains of every key's window instead.
     */
    protected void elapse(Duration duration) {
        clock.advance(duration);
    }

    /**
     * How close to the end of a window the store must still remember a key. The in-memory store
     * is exact to the millisecond; a server that also counts the real time between recording a key
     * and this test letting time pass needs a margin far above that time.
     */
    protected Duration timeResolution() {
        return Duration.ofMillis(1);
    }

    @AfterEach
    public void stopPool() {
        pool.shutdownNow();
    }

    @Test
    public void aForgottenKeyIsFirstSeenAgainAndOthersStay() {
        ReplayStore store = newStore(10, clock);
        assertTrue(store.firstSeen("a", WINDOW));
        assertTrue(store.firstSeen("b", WINDOW));
        store.forget("a");
        store.forget("never-recorded");
        assertTrue(store.firstSeen("a", WINDOW));
        assertFalse(store.firstSeen("a", WINDOW));
        assertFalse(store.firstSeen("b", WINDOW));
    }

    @Test
    public void aKeyRecordedAgainAfterBeingForgottenKeepsItsNewWindow() {
        ReplayStore store = newStore(10, clock);
        assertTrue(store.firstSeen("a", WINDOW));
        elapse(WINDOW.dividedBy(2));
        store.forget("a");
        assertTrue(store.firstSeen("a", WINDOW));
        elapse(WINDOW.dividedBy(2).plus(timeResolution()));
        // The first recording's end has passed; the second's has not.
        assertFalse(store.firstSeen("a", WINDOW));
    }

    @Test
    public void firstSightIsFirstAndSecondIsAReplay() {
        ReplayStore store = newStore(10, clock);
        assertTrue(store.firstSeen("a", WINDOW));
        assertFalse(store.firstSeen("a", WINDOW));
        assertTrue(store.firstSeen("b", WINDOW));
        assertFalse(store.firstSeen("a", WINDOW));
    }

    @Test
    public void keyIsRememberedUntilItsWindowEndsAndNotAfter() {
        ReplayStore store = newStore(10, clock);
        assertTrue(store.firstSeen("a", WINDOW));
        elapse(WINDOW.minus(timeResolution()));
        assertFalse(store.firstSeen("a", WINDOW));
        elapse(timeResolution());
        assertTrue(store.firstSeen("a", WINDOW), "window ended, so this is a new delivery");
        assertFalse(store.firstSeen("a", WINDOW));
    }

    @Test
    public void eachKeyKeepsTheWindowItWasRecordedWith() {
        ReplayStore store = newStore(10, clock);
        assertTrue(store.firstSeen("long", Duration.ofMinutes(10)));
        assertTrue(store.firstSeen("short", Duration.ofMinutes(1)));
        elapse(Duration.ofMinutes(2));
        assertTrue(store.firstSeen("short", Duration.ofMinutes(1)));
        assertFalse(store.firstSeen("long", Duration.ofMinutes(10)));
    }

    @Test
    public void fullStoreFailsClosedWithoutForgettingAnyKey() {
        assumeTrue(bounded(), "the store has no capacity bound");
        ReplayStore store = newStore(3, clock);
        for (String key : List.of("a", "b", "c")) {
            assertTrue(store.firstSeen(key, WINDOW));
        }
        RuntimeException full = assertThrows(RuntimeException.class, () -> store.firstSeen("d", WINDOW));
        assertTrue(full.getMessage().contains("full"), full.getMessage());
        for (String key : List.of("a", "b", "c")) {
            assertFalse(store.firstSeen(key, WINDOW), key + " was forgotten while still within its window");
        }
        assertThrows(RuntimeException.class, () -> store.firstSeen("d", WINDOW), "still full, still closed");
    }

    @Test
    public void replayOfTheOldestUnexpiredKeyIsRefusedAfterTheStoreFills() {
        // Regression: a size-evicting cache dropped the oldest keys and accepted their replays.
        assumeTrue(bounded(), "the store has no capacity bound");
        ReplayStore store = newStore(1_000, clock);
        for (int i = 0; i < 1_000; i++) {
            assertTrue(store.firstSeen("callback-" + i, WINDOW));
            elapse(Duration.ofMillis(100));
        }
        for (int i = 1_000; i < 1_100; i++) {
            String key = "callback-" + i;
            assertThrows(RuntimeException.class, () -> store.firstSeen(key, WINDOW));
        }
        assertFalse(store.firstSeen("callback-0", WINDOW), "replay of the oldest unexpired callback");
        assertFalse(store.firstSeen("callback-999", WINDOW));
    }

    @Test
    public void expiredKeysAreReclaimedSoAFullStoreAcceptsAgain() {
        assumeTrue(bounded(), "the store has no capacity bound");
        ReplayStore store = newStore(3, clock);
        assertTrue(store.firstSeen("a", WINDOW));
        elapse(Duration.ofMinutes(1));
        assertTrue(store.firstSeen("b", WINDOW));
        assertTrue(store.firstSeen("c", WINDOW));
        assertThrows(RuntimeException.class, () -> store.firstSeen("d", WINDOW));
        elapse(WINDOW.minus(Duration.ofMinutes(1))); // a's window ends; b's and c's do not
        assertTrue(store.firstSeen("d", WINDOW));
        assertThrows(RuntimeException.class, () -> store.firstSeen("e", WINDOW));
        assertFalse(store.firstSeen("b", WINDOW));
        assertFalse(store.firstSeen("c", WINDOW));
        assertFalse(store.firstSeen("d", WINDOW));
    }

    @Test
    public void storeSizedForRateTimesWindowKeepsAcceptingForEver() {
        assumeTrue(bounded(), "the store has no capacity bound");
        // One callback a second with a 100 s window needs 100 entries; run through fifty windows.
        Duration window = Duration.ofSeconds(100);
        ReplayStore store = newStore(100, clock);
        for (int i = 0; i < 5_000; i++) {
            assertTrue(store.firstSeen("callback-" + i, window), "callback " + i);
            if (i >= 99) {
                assertFalse(store.firstSeen("callback-" + (i - 99), window), "replay of callback " + (i - 99));
            }
            elapse(Duration.ofSeconds(1));
        }
    }

    @Test
    public void concurrentDeliveriesOfOneKeyLetExactlyOneThrough() throws Exception {
        ReplayStore store = newStore(1_000, clock);
        int threads = 8;
        for (int round = 0; round < 50; round++) {
            String key = "key-" + round;
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return store.firstSeen(key, WINDOW);
                }));
            }
            int firsts = 0;
            for (Future<Boolean> result : results) {
                if (result.get(30, TimeUnit.SECONDS)) {
                    firsts++;
                }
            }
            assertEquals(1, firsts, "deliveries of " + key + " taken as first");
        }
    }
}
