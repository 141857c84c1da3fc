package io.github.osscallback.benchmarks;

import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Key fetching on a loopback key server: the library's cold path (first request for a key URL,
 * and 100 concurrent first requests, which must make one fetch), and the common hand-written
 * approach of the public samples, which fetches the key on every callback.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KeyFetchBenchmark {

    private LoopbackKeyServer keyServer;
    private String keyUrl;
    private CallbackRequest request;
    private CallbackVerifier warm;
    private ExecutorService pool;
    private byte[] body;
    private String authorization;
    private String keyUrlHeader;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        OssCallbackSigner oss = OssCallbackSigner.generate(512);
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", oss.publicKeyPem());
        keyUrl = keyServer.url("/oss/key.pem");
        body = Bodies.of("form-200");
        request = oss.request(keyUrl, "/oss/callback", null, Bodies.FORM, body).build();
        authorization = request.header("authorization");
        keyUrlHeader = request.header("x-oss-pub-key-url");
        warm = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .build();
        warm.prefetchKey(keyUrl);
        pool = Executors.newFixedThreadPool(100);
        if (!handWritten()) {
            throw new IllegalStateException("the hand-written verifier rejects a genuine callback");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
        warm.close();
        keyServer.close();
    }

    /** The library with its key cached: what every callback after the first costs. */
    @Benchmark
    public OssCallback libraryCached() throws Exception {
        return warm.verify(request);
    }

    /**
     * A verifier with nothing cached, built before and closed after each measured call (its
     * threads would otherwise pile up over thousands of calls and slow every later one).
     */
    @State(Scope.Thread)
    public static class Fresh {
        CallbackVerifier verifier;

        @Setup(Level.Invocation)
        public void build(KeyFetchBenchmark benchmark) {
            verifier = CallbackVerifier.builder() // all 100 concurrent requests may wait for the one fetch
                    .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(benchmark.keyServer.baseUrl() + "/oss/").build())
                    .maxKeyFetchWaiters(100)
                    .build();
        }

        @TearDown(Level.Invocation)
        public void close() {
            verifier.close();
        }
    }

    /** The first callback for a key URL: a fresh verifier fetches, parses and caches the key. */
    @Benchmark
    public OssCallback libraryFirstRequest(Fresh fresh) throws Exception {
        return fresh.verifier.verify(request);
    }

    /** 100 concurrent first callbacks on a fresh verifier; they share one fetch. */
    @Benchmark
    public int libraryHundredConcurrentFirstRequests(Fresh state) throws Exception {
        CallbackVerifier fresh = state.verifier;
        long before = keyServer.requestCount("/oss/key.pem");
        CountDownLatch go = new CountDownLatch(1);
        List<Future<OssCallback>> results = new ArrayList<>(100);
        for (int i = 0; i < 100; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return fresh.verify(request);
            }));
        }
        go.countDown();
        for (Future<OssCallback> f : results) {
            f.get();
        }
        long fetches = keyServer.requestCount("/oss/key.pem") - before;
        if (fetches != 1) {
            throw new IllegalStateException("100 concurrent first requests made " + fetches + " fetches");
        }
        return results.size();
    }

    /** As the public samples do: fetch and parse the key on every callback, then verify. */
    @Benchmark
    public boolean handWritten() throws Exception {
        String url = new String(Base64.getDecoder().decode(keyUrlHeader), StandardCharsets.UTF_8);
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        String pem;
        try (InputStream in = connection.getInputStream()) {
            pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        String base64 = pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s", "");
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
        Signature s = Signature.getInstance("MD5withRSA");
        s.initVerify(key);
        s.update(OssCallbackSigner.stringToSign("/oss/callback", null, body));
        return s.verify(Base64.getDecoder().decode(authorization));
    }
}
