package io.github.osscallback.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store alone against a real redis-server: what it writes, how it fails, what it releases. */
class RedisReplayStoreTest {

    /** Far above a loopback round trip even on a loaded machine, so only a stalled Redis times out. */
    static final Duration UNHURRIED = Duration.ofSeconds(2);

    private RedisServer redis;
    private RedisClient inspectorClient;
    private RedisCommands<String, String> inspector;

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start();
        inspectorClient = RedisClient.create(redis.uri());
        inspector = inspectorClient.connect().sync();
    }

    private RedisReplayStore store() {
        return RedisReplayStore.builder().uri(redis.uri()).commandTimeout(UNHURRIED).build();
    }

    @AfterEach
    void stopRedis() throws Exception {
        inspectorClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        redis.close();
    }

    @Test
    void firstDeliveryIsSeenOnceThenRefusedWithinTheWindow() {
        try (RedisReplayStore store = store()) {
            assertTrue(store.firstSeen("sig-a", Duration.ofMinutes(5)));
            assertFalse(store.firstSeen("sig-a", Duration.ofMinutes(5)));
            assertTrue(store.firstSeen("sig-b", Duration.ofMinutes(5)));
        }
    }

    @Test
    void writesOneHashedKeyUnderThePrefixThatExpiresWithTheWindow() {
        Duration window = Duration.ofSeconds(90);
        try (RedisReplayStore store = store()) {
            assertTrue(store.firstSeen("c2lnbmF0dXJl+/=", window));
        }
        String key = RedisReplayStore.DEFAULT_KEY_PREFIX + RedisReplayStore.sha256Hex("c2lnbmF0dXJl+/=");
        assertEquals(List.of(key), inspector.keys("*"));
        assertEquals(64 + RedisReplayStore.DEFAULT_KEY_PREFIX.length(), key.length());
        long pttl = inspector.pttl(key);
        assertTrue(pttl > 0 && pttl <= window.toMillis(), "PTTL " + pttl + " ms, window " + window.toMillis() + " ms");
    }

    @Test
    void keyPrefixSeparatesApplicationsSharingARedis() {
        try (RedisReplayStore shop = RedisReplayStore.builder().uri(redis.uri()).keyPrefix("shop:")
                     .commandTimeout(UNHURRIED).build();
             RedisReplayStore blog = RedisReplayStore.builder().uri(redis.uri()).keyPrefix("blog:")
                     .commandTimeout(UNHURRIED).build()) {
            assertTrue(shop.firstSeen("same", Duration.ofMinutes(1)));
            assertTrue(blog.firstSeen("same", Duration.ofMinutes(1)));
            assertFalse(shop.firstSeen("same", Duration.ofMinutes(1)));
        }
        assertEquals(1, inspector.keys("shop:*").size());
        assertEquals(1, inspector.keys("blog:*").size());
    }

    @Test
    void subMillisecondWindowRoundsUpNeverDown() {
        assertEquals(1, RedisReplayStore.ceilMillis(Duration.ofNanos(1)));
        assertEquals(1000, RedisReplayStore.ceilMillis(Duration.ofSeconds(1)));
        assertEquals(1001, RedisReplayStore.ceilMillis(Duration.ofSeconds(1).plusNanos(1)));
        assertThrows(IllegalArgumentException.class, () -> RedisReplayStore.ceilMillis(Duration.ZERO));
    }

    @Test
    void theAsynchronousApiAnswersAsTheBlockingOneAndHoldsNoThreadWhileRedisIsPaused() throws Exception {
        try (RedisReplayStore store = RedisReplayStore.builder().uri(redis.uri())
                .commandTimeout(Duration.ofSeconds(1)).build()) {
            assertTrue(store.firstSeenAsync("sig-a", Duration.ofMinutes(5)).toCompletableFuture().join());
            assertFalse(store.firstSeenAsync("sig-a", Duration.ofMinutes(5)).toCompletableFuture().join());
            store.forgetAsync("sig-a").toCompletableFuture().join();
            assertTrue(store.firstSeen("sig-a", Duration.ofMinutes(5)), "forgotten, so seen anew");
            assertEquals("+OK", redis.command("CLIENT PAUSE 30000 WRITE"));
            try {
                var pending = store.firstSeenAsync("during", Duration.ofMinutes(1)).toCompletableFuture();
                // Returned at once although Redis does not answer: no thread is waiting for it.
                assertFalse(pending.isDone());
                java.util.concurrent.CompletionException e = assertThrows(java.util.concurrent.CompletionException.class,
                        pending::join);
                assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
                assertTrue(e.getCause().getMessage().contains("within 1000 ms"), e.getCause().getMessage());
            } finally {
                assertEquals("+OK", redis.command("CLIENT UNPAUSE"));
            }
        }
    }

    @Test
    void slowRedisFailsWithinTheCommandTimeout() throws Exception {
        try (RedisReplayStore store = RedisReplayStore.builder().uri(redis.uri())
                .commandTimeout(Duration.ofSeconds(1)).build()) {
            // Writes wait while clients are paused: Redis is up but does not answer SET.
            assertEquals("+OK", redis.command("CLIENT PAUSE 30000 WRITE"));
            try {
                IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                        () -> assertThrows(IllegalStateException.class, () -> store.firstSeen("during", Duration.ofMinutes(1))));
                assertTrue(e.getMessage().contains("within 1000 ms"), e.getMessage());
            } finally {
                assertEquals("+OK", redis.command("CLIENT UNPAUSE"));
            }
            // The same connection serves again once Redis answers; the late reply to the abandoned command is dropped.
            assertTrue(store.firstSeen("after", Duration.ofMinutes(1)));
            assertFalse(store.firstSeen("during", Duration.ofMinutes(1)), "the abandoned SET still ran once Redis resumed");
        }
    }

    @Test
    void refusingRedisFailsClosed() throws Exception {
        try (RedisReplayStore store = store()) {
            assertTrue(store.firstSeen("before", Duration.ofMinutes(1)));
            // Out of memory with no eviction: Redis answers SET with an OOM error.
            assertEquals("+OK", redis.command("CONFIG SET maxmemory-policy noeviction"));
            assertEquals("+OK", redis.command("CONFIG SET maxmemory 1"));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> store.firstSeen("refused", Duration.ofMinutes(1)));
            assertTrue(e.getMessage().startsWith("Redis refused SET NX"), e.getMessage());
            assertEquals("+OK", redis.command("CONFIG SET maxmemory 0"));
            assertTrue(store.firstSeen("refused", Duration.ofMinutes(1)));
        }
    }

    @Test
    void stoppedRedisFailsAtOnceAndTheStoreRecoversAfterRestart() throws Exception {
        try (RedisReplayStore store = store()) {
            assertTrue(store.firstSeen("before", Duration.ofMinutes(1)));
            redis.stop();
            assertTimeoutPreemptively(Duration.ofSeconds(4),
                    () -> assertThrows(IllegalStateException.class, () -> store.firstSeen("down", Duration.ofMinutes(1))));
            redis.restart();
            // The loop ends as soon as Lettuce has reconnected; the deadline is only a safety net.
            // A fresh key per attempt: an attempt that timed out here may still have been recorded there.
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int attempt = 0; ; attempt++) {
                    try {
                        assertTrue(store.firstSeen("after restart " + attempt, Duration.ofMinutes(1)));
                        return;
                    } catch (IllegalStateException stillDown) {
                        // reconnecting
                    }
                }
            });
        }
    }

    @Test
    void closeLeavesAnApplicationConnectionOpen() {
        RedisClient appClient = RedisClient.create(redis.uri());
        try {
            StatefulRedisConnection<String, String> appConnection = appClient.connect();
            RedisReplayStore store = RedisReplayStore.builder().connection(appConnection).commandTimeout(UNHURRIED).build();
            assertTrue(store.firstSeen("k", Duration.ofMinutes(1)));
            store.close();
            assertTrue(appConnection.isOpen());
            assertEquals("PONG", appConnection.sync().ping());
        } finally {
            appClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void closeReleasesTheConnectionItCreated() {
        RedisReplayStore store = store();
        assertTrue(store.firstSeen("k", Duration.ofMinutes(1)));
        store.close();
        assertThrows(RuntimeException.class, () -> store.firstSeen("k2", Duration.ofMinutes(1)));
    }

    @Test
    void refusesToBuildWithoutExactlyOneSource() {
        assertThrows(IllegalStateException.class, () -> RedisReplayStore.builder().build());
        assertThrows(IllegalStateException.class,
                () -> RedisReplayStore.builder().uri(redis.uri()).clusterUri(redis.uri()).build());
        assertThrows(IllegalStateException.class, () -> RedisReplayStore.builder().uri("redis://a").uri("redis://b"));
    }

    @Test
    void refusesASecondSetOfAnyOptionNamingIt() {
        Map<String, Consumer<RedisReplayStore.Builder>> options = Map.of(
                "uri", b -> b.uri("redis://a"),
                "clusterUri", b -> b.clusterUri("redis://a"),
                "keyPrefix", b -> b.keyPrefix("p:"),
                "commandTimeout", b -> b.commandTimeout(Duration.ofMillis(100)));
        options.forEach((option, set) -> {
            RedisReplayStore.Builder builder = RedisReplayStore.builder();
            set.accept(builder);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> set.accept(builder));
            assertEquals(option + " was already set", e.getMessage());
        });
    }

    @Test
    void refusesCommandTimeoutsOssCouldNotWaitFor() {
        assertThrows(IllegalArgumentException.class, () -> RedisReplayStore.builder().commandTimeout(Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> RedisReplayStore.builder().commandTimeout(Duration.ZERO));
    }

    @Test
    void malformedUriIsReportedWithoutItsPassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisReplayStore.builder().uri("redis://:s3cret@[127.0.0.1").build());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        assertTrue(e.getMessage().startsWith("not a Redis URI: "), e.getMessage());
        assertEquals(null, e.getCause());
    }

    @Test
    void unreachableRedisFailsAtBuild() throws Exception {
        String uri = redis.uri();
        redis.stop();
        assertThrows(RuntimeException.class, () -> RedisReplayStore.builder().uri(uri).build());
    }
}
