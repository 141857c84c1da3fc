package io.github.osscallback.benchmarks;

import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.ObjectConfirmation;
import io.github.osscallback.OssCallback;
import io.github.osscallback.OssCredentials;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.OssStandIn;
import io.github.osscallback.testing.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
 * What {@code confirmWithOss} adds to one callback: the same ~200 B form callback verified with
 * a pinned key, without the check and with it, the check asking the OSS stand-in on loopback
 * (a signed HeadObject, V4-checked by the stand-in, over a kept-alive connection). One thread: the
 * figure is latency per callback, not throughput. The stand-in is the JDK's HttpServer, so this
 * measures the client side plus a loopback round trip; to a real OSS endpoint add the network.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConfirmWithOssBenchmark {

    private static final String KEY_URL = "https://keys.bench/oss/key.pem";
    private static final String ID = "LTAI5tBench";
    private static final String SECRET = "benchSecret0123456789abcdefABCDE";

    private OssStandIn oss;
    private CallbackVerifier plain;
    private CallbackVerifier confirming;
    private CallbackRequest request;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate(512);
        oss = OssStandIn.builder().buckets("photos").accessKey(ID, SECRET).start();
        StoredObject object = oss.putObject("photos", "users/42/cat.jpg",
                "a picture of a cat, or near enough".getBytes(StandardCharsets.UTF_8), "image/jpeg");
        plain = builder(signer).build();
        confirming = builder(signer).confirmWithOss(ObjectConfirmation.builder()
                .credentials(OssCredentials.of(ID, SECRET))
                .region("cn-hangzhou")
                .endpoint(oss.endpoint())
                .buckets("photos")
                .timeout(Duration.ofSeconds(5))
                .build()).build();
        byte[] body = ("bucket=photos&object=users%2F42%2Fcat.jpg&size=" + object.size() + "&etag=" + object.etag()
                + "&mimeType=image%2Fjpeg&reqId=5C1B138A109F4E405B2D").getBytes(StandardCharsets.UTF_8);
        request = signer.request(KEY_URL, "/oss/callback", null, Bodies.FORM, body).build();
        plain.verify(request); // fail the trial at once if the setup is wrong
        confirming.verify(request);
    }

    private static CallbackVerifier.Builder builder(OssCallbackSigner signer) {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.bench/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem())
                .remoteKeyFetching(false);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        confirming.close();
        plain.close();
        oss.close();
    }

    /** Signature, parsing and the typed callback only. */
    @Benchmark
    public OssCallback withoutCheck() throws Exception {
        return plain.verify(request);
    }

    /** The same, then a signed HeadObject to the stand-in and the comparison of its answer. */
    @Benchmark
    public OssCallback withCheck() throws Exception {
        return confirming.verify(request);
    }
}
