package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A bounded load run against the filter on Jetty: 64 concurrent clients for
 * {@code -Dload.seconds} (default 20) sending a mix of genuine, tampered and forged-key callbacks.
 * Every answer must match what was sent, no request may fail, and the heap must not grow.
 * Requests per second go to the test output; speed is measured in benchmarks, not asserted here.
 */
class LoadTest {

    private static final int CLIENTS = 64;

    private record Prepared(HttpRequest request, int expectedStatus, String expectedObject) {
    }

    @Test
    void mixedLoadIsNeverMisclassifiedAndHeapStaysFlat() throws Exception {
        long seconds = Long.getLong("load.seconds", 20);
        OssCallbackSigner oss = OssCallbackSigner.generate();
        OssCallbackSigner attacker = OssCallbackSigner.generate();
        AtomicLong reached = new AtomicLong();
        try (LoopbackKeyServer keys = LoopbackKeyServer.start(); JettyFixture jetty = new JettyFixture()) {
            keys.serve("/oss/k.pem", oss.publicKeyPem());
            CallbackVerifier verifier = CallbackVerifier.builder()
                    .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keys.baseUrl() + "/oss/").build())
                    .maxKeyFetchWaiters(CLIENTS) // every client's first request may wait for the one key fetch
                    .build();
            String base = jetty.start("", "/cb/*", new OssCallbackFilter(verifier), Map.of(), new OssCallbackServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected CallbackReply handle(OssCallback callback, HttpServletRequest request) {
                    reached.incrementAndGet();
                    return CallbackReply.json(Map.of("object", callback.object().orElse("")));
                }
            });
            List<Prepared> mix = prepare(base, oss, attacker, keys);
            run(mix, 2); // warm-up: JIT, connections, the key cache
            long heapBefore = usedHeapAfterGc();
            Result result = run(mix, seconds);
            long heapAfter = usedHeapAfterGc();
            System.out.printf("load: %d clients, %d s, %d requests, %.0f requests/s, %d misclassified, %d errors,"
                            + " heap %d -> %d MiB%n", CLIENTS, seconds, result.requests, result.requests / (double) seconds,
                    result.misclassified, result.errors, heapBefore >> 20, heapAfter >> 20);
            assertEquals(0, result.errors, "requests that failed outright");
            assertEquals(0, result.misclassified, "answers that did not match the request");
            assertTrue(result.requests > 0);
            assertTrue(heapAfter - heapBefore < 64L << 20, "heap grew from " + heapBefore + " to " + heapAfter);
            assertEquals(1, keys.requestCount("/oss/k.pem"));
        }
    }

    private static List<Prepared> prepare(String base, OssCallbackSigner oss, OssCallbackSigner attacker,
                                          LoopbackKeyServer keys) {
        List<Prepared> mix = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            String path = "/cb/u" + i;
            byte[] body = ("bucket=b&object=o" + i + "&size=" + i).getBytes(StandardCharsets.UTF_8);
            HttpRequest.Builder genuine = HttpRequest.newBuilder(URI.create(base + path));
            oss.headers(keys.url("/oss/k.pem"), path, null, "application/x-www-form-urlencoded", body)
                    .forEach(genuine::header);
            mix.add(new Prepared(genuine.copy().POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), 200, "o" + i));
            byte[] tampered = ("bucket=b&object=o" + i + "&size=" + (i + 1)).getBytes(StandardCharsets.UTF_8);
            mix.add(new Prepared(genuine.copy().POST(HttpRequest.BodyPublishers.ofByteArray(tampered)).build(), 403,
                    "signature_mismatch"));
            mix.add(new Prepared(HttpRequest.newBuilder(URI.create(base + path))
                    .header("authorization", attacker.sign(path, null, body))
                    .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keys.url("/attacker/k.pem")))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), 403, "untrusted_key_url"));
            mix.add(new Prepared(HttpRequest.newBuilder(URI.create(base + path))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), 400, "missing_header"));
        }
        return mix;
    }

    private record Result(long requests, long misclassified, long errors) {
    }

    private static Result run(List<Prepared> mix, long seconds) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong requests = new AtomicLong();
        AtomicLong misclassified = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int offset = c;
                clients.add(pool.submit(() -> {
                    // One HTTP client per simulated client: a shared pool races idle-connection cleanup.
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    for (int i = offset; System.nanoTime() < deadline; i++) {
                        Prepared p = mix.get(i % mix.size());
                        try {
                            HttpResponse<String> r = http.send(p.request(), HttpResponse.BodyHandlers.ofString());
                            String marker = "\"" + p.expectedObject() + "\"";
                            if (r.statusCode() != p.expectedStatus() || !r.body().contains(marker)) {
                                misclassified.incrementAndGet();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        requests.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(requests.get(), misclassified.get(), errors.get());
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
