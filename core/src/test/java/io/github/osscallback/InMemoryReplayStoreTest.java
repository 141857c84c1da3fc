package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The in-memory store under the {@link ReplayStoreContract}, plus what is its own. */
class InMemoryReplayStoreTest extends ReplayStoreContract {

    @Override
    protected ReplayStore newStore(int maxEntries, Clock clock) {
        return ReplayStore.inMemory(maxEntries, clock);
    }

    @Test
    void fullStoreSaysWhatItIsAndHowToSizeIt() {
        ReplayStore store = newStore(1, clock);
        store.firstSeen("a", WINDOW);
        RuntimeException e = assertThrows(ReplayStoreFullException.class, () -> store.firstSeen("b", WINDOW));
        assertTrue(e.getMessage().contains("rate x window"), e.getMessage());
    }

    @Test
    void expiredKeysAreDroppedNotJustIgnored() {
        InMemoryReplayStore store = (InMemoryReplayStore) newStore(10, clock);
        for (int i = 0; i < 10; i++) {
            store.firstSeen("k" + i, WINDOW);
        }
        clock.advance(WINDOW);
        store.firstSeen("new", WINDOW);
        assertEquals(1, store.size());
    }

    @Test
    void refusesNonsenseArguments() {
        assertThrows(IllegalArgumentException.class, () -> ReplayStore.inMemory(0));
        ReplayStore store = newStore(1, clock);
        assertThrows(IllegalArgumentException.class, () -> store.firstSeen("a", Duration.ZERO));
        assertThrows(NullPointerException.class, () -> store.firstSeen(null, WINDOW));
        assertTrue(store.firstSeen("a", Duration.ofSeconds(Long.MAX_VALUE)), "a huge window saturates");
        assertFalse(store.firstSeen("a", WINDOW));
    }
}
