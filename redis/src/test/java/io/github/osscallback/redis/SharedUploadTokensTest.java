package io.github.osscallback.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackRejectedException.Reason;
import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.UploadTokens;
import io.github.osscallback.fixtures.RedisServer;
import io.github.osscallback.testing.OssCallbackSigner;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Single-use upload tokens across nodes: two verifiers, each with its own connection to one real
 * redis-server, accept a token once in total, whichever node its callbacks reach.
 */
class SharedUploadTokensTest {

    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static final Duration TOKEN_VALIDITY = Duration.ofMinutes(70);
    private static final Duration WINDOW = Duration.ofMinutes(10);

    private final OssCallbackSigner oss = OssCallbackSigner.generate();
    private final UploadTokens tokens = UploadTokens.builder()
            .signingKey("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)).build();
    private final List<RedisReplayStore> stores = new ArrayList<>();
    private RedisServer redis;

    @BeforeAll
    static void quietRejectionLog() {
        Logger.getLogger("io.github.osscallback").setLevel(Level.WARNING);
    }

    @BeforeEach
    void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterEach
    void stopRedis() throws Exception {
        stores.forEach(RedisReplayStore::close);
        redis.close();
    }

    private RedisReplayStore store() {
        RedisReplayStore store = RedisReplayStore.builder().uri(redis.uri())
                .commandTimeout(RedisReplayStoreTest.UNHURRIED).build();
        stores.add(store);
        return store;
    }

    private CallbackVerifier.Builder node() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, oss.publicKeyPem())
                .remoteKeyFetching(false);
    }

    /** Signed by OSS: the copier of a token has OSS render a template of their own around it. */
    private CallbackRequest callback(String object, String token) {
        String body = "bucket=photos&object=users%2F42%2F" + object + "&size=1&upload_token=" + token;
        return oss.request(KEY_URL, "/cb", null, null, body.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static Reason rejection(CallbackVerifier v, CallbackRequest request) {
        return assertThrows(CallbackRejectedException.class, () -> v.verify(request)).reason();
    }

    private String token() {
        return tokens.issueForPrefix("photos", "users/42/", "user-42", TOKEN_VALIDITY);
    }

    @Test
    void aTokenUsedOnOneNodeIsRefusedOnTheOtherThroughTheReplayStore() throws Exception {
        CallbackVerifier nodeA = node().uploadTokens(tokens).replayProtection(WINDOW, store()).build();
        CallbackVerifier nodeB = node().uploadTokens(tokens).replayProtection(WINDOW, store()).build();
        String token = token();
        nodeA.verify(callback("cat.jpg", token));
        assertEquals(Reason.UPLOAD_TOKEN_USED, rejection(nodeB, callback("never-uploaded.exe", token)));
        assertEquals(Reason.UPLOAD_TOKEN_USED, rejection(nodeA, callback("other.jpg", token)));
        nodeB.verify(callback("dog.jpg", token()));
    }

    @Test
    void aTokenUsedOnOneNodeIsRefusedOnTheOtherThroughAStoreForTokensAlone() throws Exception {
        // No replay protection at all: templates without a unique field, tokens single-use all the same.
        CallbackVerifier nodeA = node().uploadTokens(tokens, store()).build();
        CallbackVerifier nodeB = node().uploadTokens(tokens, store()).build();
        String token = token();
        nodeB.verify(callback("cat.jpg", token));
        assertEquals(Reason.UPLOAD_TOKEN_USED, rejection(nodeA, callback("cat.jpg", token)));
        assertEquals(Reason.UPLOAD_TOKEN_USED, rejection(nodeB, callback("cat.jpg", token)));
    }

    @Test
    void aBurstOfCallbacksCarryingOneTokenToBothNodesLetsExactlyOneThrough() throws Exception {
        CallbackVerifier nodeA = node().uploadTokens(tokens, store()).build();
        CallbackVerifier nodeB = node().uploadTokens(tokens, store()).build();
        String token = token();
        int senders = 16;
        List<CallbackRequest> forgeries = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            forgeries.add(callback("copy-" + i + ".jpg", token)); // each its own signature
        }
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        CountDownLatch ready = new CountDownLatch(senders);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Reason>> outcomes = new ArrayList<>();
            for (int i = 0; i < senders; i++) {
                CallbackVerifier node = i % 2 == 0 ? nodeA : nodeB;
                CallbackRequest request = forgeries.get(i);
                outcomes.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    try {
                        node.verify(request);
                        return null;
                    } catch (CallbackRejectedException e) {
                        return e.reason();
                    }
                }));
            }
            ready.await();
            go.countDown();
            int accepted = 0;
            int used = 0;
            for (Future<Reason> outcome : outcomes) {
                Reason reason = outcome.get();
                accepted += reason == null ? 1 : 0;
                used += reason == Reason.UPLOAD_TOKEN_USED ? 1 : 0;
            }
            assertEquals(1, accepted);
            assertEquals(senders - 1, used);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aUsedTokenIsKeptOnRedisForTheTokensLifetimeBesideTheSignature() throws Exception {
        CallbackVerifier node = node().uploadTokens(tokens).replayProtection(WINDOW, store()).build();
        node.verify(callback("cat.jpg", token()));
        RedisClient client = RedisClient.create(redis.uri());
        try {
            RedisCommands<String, String> commands = client.connect().sync();
            List<String> keys = commands.keys(RedisReplayStore.DEFAULT_KEY_PREFIX + "*");
            assertEquals(2, keys.size(), "the signature and the token, under different keys: " + keys);
            List<Long> ttls = new ArrayList<>();
            for (String key : keys) {
                ttls.add(commands.pttl(key));
            }
            ttls.sort(null);
            assertTrue(ttls.get(0) > 0 && ttls.get(0) <= WINDOW.toMillis(), "signature PTTL " + ttls);
            assertTrue(ttls.get(1) > TOKEN_VALIDITY.toMillis() && ttls.get(1) <= TOKEN_VALIDITY.plusMinutes(1).toMillis(),
                    "token PTTL " + ttls);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void redisDownRefusesTheCallbackClosed() throws Exception {
        CallbackVerifier node = node().uploadTokens(tokens, store()).build();
        String token = token();
        redis.stop();
        assertEquals(Reason.REPLAY_STORE_UNAVAILABLE, rejection(node, callback("cat.jpg", token)));
    }
}
