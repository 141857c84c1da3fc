package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
abstract class ReplayStoreContract {

    static final Duration WINDOW = Duration.ofMinutes(10);

    final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T00:00:00Z"));
    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    /** A new, empty store holding at most {@code maxEntries} keys, reading time from {@code clock}. */
    abstract ReplayStore newStore(int maxEntries, Clock clock);

    /** Whether the store refuses new keys once {@code maxEntries} unexpired keys are held. */
    boolean bounded() {
        return true;
    }

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void firstSightIsFirstAndSecondIsAReplay() {
        ReplayStore store = newStore(10, clock);
        assertTrue(store.firstSeen("a", WINDOW));
        assertFalse(store.firstSeen("a", WINDOW));
        assertTrue(store.firstSeen("b", WINDOW));
        assertFalse(store.firstSeen("a", WINDOW));
    }

    @Test
    void keyIsRememberedUntilItsWindowEndsAndNotAfter() {
        ReplayStore store = newStore(10, clock);
        assertTrue(store.firstSeen("a", WINDOW));
        clock.advance(WINDOW.minusMillis(1));
        assertFalse(store.firstSeen("a", WINDOW));
        clock.advance(Duration.ofMillis(1));
        assertTrue(store.firstSeen("a", WINDOW), "window ended, so this is a new delivery");
        assertFalse(store.firstSeen("a", WINDOW));
    }

    @Test
    void eachKeyKeepsTheWindowItWasRecordedWith() {
        ReplayStore store = newStore(10, clock);
        assertTrue(store.firstSeen("long", Duration.ofMinutes(10)));
        assertTrue(store.firstSeen("short", Duration.ofMinutes(1)));
        clock.advance(Duration.ofMinutes(2));
        assertTrue(store.firstSeen("short", Duration.ofMinutes(1)));
        assertFalse(store.firstSeen("long", Duration.ofMinutes(10)));
    }

    @Test
    void fullStoreFailsClosedWithoutForgettingAnyKey() {
        if (!bounded()) {
            return;
        }
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
    void replayOfTheOldestUnexpiredKeyIsRefusedAfterTheStoreFills() {
        // Regression: a size-evicting cache dropped the oldest keys and accepted their replays.
        if (!bounded()) {
            return;
        }
        ReplayStore store = newStore(1_000, clock);
        for (int i = 0; i < 1_000; i++) {
            assertTrue(store.firstSeen("callback-" + i, WINDOW));
            clock.advance(Duration.ofMillis(100));
        }
        for (int i = 1_000; i < 1_100; i++) {
            String key = "callback-" + i;
            assertThrows(RuntimeException.class, () -> store.firstSeen(key, WINDOW));
        }
        assertFalse(store.firstSeen("callback-0", WINDOW), "replay of the oldest unexpired callback");
        assertFalse(store.firstSeen("callback-999", WINDOW));
    }

    @Test
    void expiredKeysAreReclaimedSoAFullStoreAcceptsAgain() {
        if (!bounded()) {
            return;
        }
        ReplayStore store = newStore(3, clock);
        assertTrue(store.firstSeen("a", WINDOW));
        clock.advance(Duration.ofMinutes(1));
        assertTrue(store.firstSeen("b", WINDOW));
        assertTrue(store.firstSeen("c", WINDOW));
        assertThrows(RuntimeException.class, () -> store.firstSeen("d", WINDOW));
        clock.advance(WINDOW.minus(Duration.ofMinutes(1))); // a's window ends; b's and c's do not
        assertTrue(store.firstSeen("d", WINDOW));
        assertThrows(RuntimeException.class, () -> store.firstSeen("e", WINDOW));
        assertFalse(store.firstSeen("b", WINDOW));
        assertFalse(store.firstSeen("c", WINDOW));
        assertFalse(store.firstSeen("d", WINDOW));
    }

    @Test
    void storeSizedForRateTimesWindowKeepsAcceptingForEver() {
        if (!bounded()) {
            return;
        }
        // One callback a second with a 100 s window needs 100 entries; run through fifty windows.
        Duration window = Duration.ofSeconds(100);
        ReplayStore store = newStore(100, clock);
        for (int i = 0; i < 5_000; i++) {
            assertTrue(store.firstSeen("callback-" + i, window), "callback " + i);
            if (i >= 99) {
                assertFalse(store.firstSeen("callback-" + (i - 99), window), "replay of callback " + (i - 99));
            }
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void concurrentDeliveriesOfOneKeyLetExactlyOneThrough() throws Exception {
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
