package io.github.osscallback.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store through a real Sentinel: Lettuce asks Sentinel where the master is and writes there.
 * Failover to a replica is Sentinel's and Lettuce's work and is not staged here.
 */
class RedisSentinelReplayTest {

    private RedisServer master;
    private RedisServer sentinel;

    @BeforeEach
    void startMasterAndSentinel() throws Exception {
        master = RedisServer.start();
        sentinel = RedisServer.startSentinel(master, "callbacks");
    }

    @AfterEach
    void stopBoth() throws Exception {
        sentinel.close();
        master.close();
    }

    @Test
    void storeOnASentinelUriRecordsOnTheMonitoredMaster() {
        String sentinelUri = "redis-sentinel://127.0.0.1:" + sentinel.port() + "#callbacks";
        try (RedisReplayStore viaSentinel = RedisReplayStore.builder().uri(sentinelUri)
                .commandTimeout(RedisReplayStoreTest.UNHURRIED).build();
             RedisReplayStore direct = RedisReplayStore.builder().uri(master.uri())
                     .commandTimeout(RedisReplayStoreTest.UNHURRIED).build()) {
            assertTrue(viaSentinel.firstSeen("sig", Duration.ofMinutes(5)));
            assertFalse(direct.firstSeen("sig", Duration.ofMinutes(5)));
            assertTrue(direct.firstSeen("other", Duration.ofMinutes(5)));
            assertFalse(viaSentinel.firstSeen("other", Duration.ofMinutes(5)));
        }
        RedisClient client = RedisClient.create(master.uri());
        try {
            RedisCommands<String, String> redis = client.connect().sync();
            List<String> keys = redis.keys(RedisReplayStore.DEFAULT_KEY_PREFIX + "*");
            assertEquals(2, keys.size(), keys.toString());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
