package io.github.osscallback.redis;

import io.github.osscallback.ReplayStore;
import io.github.osscallback.ReplayStoreContract;
import io.github.osscallback.fixtures.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Redis store under the same contract as the in-memory one, on a real redis-server. Redis
 * keeps its own time, so letting time pass shortens what remains of each stored key's expiry by
 * exactly that much; Redis itself then decides what has expired. Redis has no capacity bound of
 * ours, so the fullness cases do not apply.
 */
class RedisReplayStoreContractTest extends ReplayStoreContract {

    private static RedisServer redis;
    private static RedisClient inspectorClient;
    private static RedisCommands<String, String> inspector;
    private final List<RedisReplayStore> stores = new ArrayList<>();
    private final String prefix = "contract:" + System.nanoTime() + ":";

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
        inspectorClient = RedisClient.create(redis.uri());
        inspector = inspectorClient.connect().sync();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        inspectorClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        redis.close();
    }

    @AfterEach
    void closeStores() {
        stores.forEach(RedisReplayStore::close);
    }

    @Override
    protected ReplayStore newStore(int maxEntries, Clock clock) {
        RedisReplayStore store = RedisReplayStore.builder().uri(redis.uri()).keyPrefix(prefix)
                .commandTimeout(RedisReplayStoreTest.UNHURRIED).build();
        stores.add(store);
        return store;
    }

    @Override
    protected boolean bounded() {
        return false;
    }

    /** Far above the real milliseconds between a SET and the next step of a test, even on a loaded machine. */
    @Override
    protected Duration timeResolution() {
        return Duration.ofSeconds(10);
    }

    @Override
    protected void elapse(Duration duration) {
        super.elapse(duration);
        for (String key : inspector.keys(prefix + "*")) {
            long remaining = inspector.pttl(key);
            if (remaining <= duration.toMillis()) {
                inspector.del(key);
            } else {
                inspector.pexpire(key, remaining - duration.toMillis());
            }
        }
    }
}
