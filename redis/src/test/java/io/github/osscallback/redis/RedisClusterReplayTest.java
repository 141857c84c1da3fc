package io.github.osscallback.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store on a real Redis Cluster: one redis-server in cluster mode owning all 16384 slots,
 * reached through Lettuce's cluster client (topology discovery, slot routing). A multi-node
 * cluster with failover is not started here; the cluster client is the same either way.
 */
class RedisClusterReplayTest {

    private RedisServer node;

    @BeforeEach
    void startClusterNode() throws Exception {
        node = RedisServer.start(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                "--cluster-announce-ip", "127.0.0.1"));
        assertEquals("+OK", node.command("CLUSTER ADDSLOTSRANGE 0 16383"));
        awaitClusterOk();
    }

    private void awaitClusterOk() throws Exception {
        // A new master keeps the cluster state 'fail' for its first 2 s (Redis's CLUSTER_WRITABLE_DELAY)
        // even when it owns every slot; it logs the change to ok, which is what this waits for.
        node.awaitOutput("Cluster state changed: ok");
        assertTrue(node.command("CLUSTER INFO").contains("cluster_state:ok"));
    }

    private RedisReplayStore clusterStore() {
        return RedisReplayStore.builder().clusterUri(node.uri()).commandTimeout(RedisReplayStoreTest.UNHURRIED).build();
    }

    @AfterEach
    void stopClusterNode() throws Exception {
        node.close();
    }

    @Test
    void storesOnAClusterUriShareWhatTheyHaveSeen() {
        try (RedisReplayStore nodeA = clusterStore();
             RedisReplayStore nodeB = clusterStore()) {
            assertTrue(nodeA.firstSeen("sig-1", Duration.ofMinutes(5)));
            assertFalse(nodeB.firstSeen("sig-1", Duration.ofMinutes(5)));
            assertTrue(nodeB.firstSeen("sig-2", Duration.ofMinutes(5)));
            assertFalse(nodeA.firstSeen("sig-2", Duration.ofMinutes(5)));
        }
        RedisClient client = RedisClient.create(node.uri());
        try {
            RedisCommands<String, String> redis = client.connect().sync();
            List<String> keys = redis.keys(RedisReplayStore.DEFAULT_KEY_PREFIX + "*");
            assertEquals(2, keys.size(), keys.toString());
            for (String key : keys) {
                long pttl = redis.pttl(key);
                assertTrue(pttl > 0 && pttl <= Duration.ofMinutes(5).toMillis(), "PTTL " + pttl);
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void clusterDownFailsClosedWithinTheTimeoutAndTheStoreRecovers() throws Exception {
        try (RedisReplayStore store = clusterStore()) {
            assertTrue(store.firstSeen("before", Duration.ofMinutes(5)));
            node.stop();
            // Timed out or refused on a closed channel, depending on when Lettuce notices; either way within the bound.
            assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(IllegalStateException.class, () -> store.firstSeen("down", Duration.ofMinutes(5))));
            // Restarted with its nodes.conf, the node owns every slot again.
            node.restart();
            awaitClusterOk();
            // The loop ends once Lettuce has reconnected; the deadline is a safety net.
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int attempt = 0; ; attempt++) {
                    try {
                        // A fresh key per attempt: one that timed out here may still have been recorded there.
                        assertTrue(store.firstSeen("after restart " + attempt, Duration.ofMinutes(5)));
                        return;
                    } catch (IllegalStateException reconnecting) {
                        // still reconnecting
                    }
                }
            });
        }
    }

    @Test
    void storeOnTheApplicationsClusterConnectionLeavesItOpen() {
        RedisClusterClient client = RedisClusterClient.create(node.uri());
        try {
            StatefulRedisClusterConnection<String, String> connection = client.connect();
            try (RedisReplayStore store = RedisReplayStore.builder().clusterConnection(connection)
                    .commandTimeout(RedisReplayStoreTest.UNHURRIED).build()) {
                assertTrue(store.firstSeen("sig", Duration.ofMinutes(1)));
                assertFalse(store.firstSeen("sig", Duration.ofMinutes(1)));
            }
            assertTrue(connection.isOpen());
            assertEquals("PONG", connection.sync().ping());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
