package io.github.osscallback.benchmarks;

import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The hot path: verifying a callback whose key is already cached (fetched once from a loopback
 * key server), against a bare JDK {@code Signature.verify} of the same bytes under the same
 * 512-bit key, as OSS uses.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class VerifyBenchmark {

    @Param({"form-200", "form-1k", "form-64k", "json-1k", "json-64k"})
    public String shape;

    private LoopbackKeyServer keyServer;
    private CallbackVerifier verifier;
    private CallbackRequest request;
    private PublicKey key;
    private byte[] stringToSign;
    private byte[] signature;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        OssCallbackSigner oss = OssCallbackSigner.generate(512);
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", oss.publicKeyPem());
        String keyUrl = keyServer.url("/oss/key.pem");
        verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .maxBodyBytes(128 * 1024)
                .build();
        verifier.prefetchKey(keyUrl);
        byte[] body = Bodies.of(shape);
        request = oss.request(keyUrl, "/oss/callback", null, Bodies.contentType(shape), body).build();
        key = oss.publicKey();
        stringToSign = OssCallbackSigner.stringToSign("/oss/callback", null, body);
        signature = Base64.getDecoder().decode(oss.sign("/oss/callback", null, body));
        verifier.verify(request); // fails the trial at once if the setup is wrong
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        keyServer.close();
    }

    /** The library: headers, key URL policy, cached key, signature, body parsing, typed result. */
    @Benchmark
    public OssCallback library() throws Exception {
        return verifier.verify(request);
    }

    /**
     * The library, then every field read: values that are ASCII slices of the body become strings
     * only when read, so this is what an application reading all of them pays.
     */
    @Benchmark
    public int libraryReadingEveryField() throws Exception {
        int length = 0;
        for (String value : verifier.verify(request).fields().values()) {
            length += value.length();
        }
        return length;
    }

    /** The floor: one JDK signature verification of the same bytes. */
    @Benchmark
    public boolean bareJdkSignature() throws Exception {
        Signature s = Signature.getInstance("MD5withRSA");
        s.initVerify(key);
        s.update(stringToSign);
        return s.verify(signature);
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Verifies of each kind per invocation of {@link #libraryAndBareByCpu}: each reading of the clock then spans tens of microseconds. */
    private static final int RUN = 16;

    /** Thread CPU time spent in each kind of verify, and the verifies of each kind, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        public long libraryNanos;
        public long bareNanos;
        public long verifies;

        @Setup(Level.Iteration)
        public void reset() {
            libraryNanos = 0;
            bareNanos = 0;
            verifies = 0;
        }
    }

    /**
     * The library's verify and the bare one by the thread's CPU time, a run of each per
     * invocation: the two interleave, so both meet the same load, and on a shared machine a
     * verify that waits for a core counts only the time it ran. The ratio of the two counters is
     * the hot-path figure that holds when other work shares the machine; the primary score
     * (wall-clock time of both runs) does not.
     */
    @Benchmark
    public void libraryAndBareByCpu(CpuTime cpu, Blackhole sink) throws Exception {
        long start = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < RUN; i++) {
            sink.consume(verifier.verify(request));
        }
        long between = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < RUN; i++) {
            sink.consume(bareJdkSignature());
        }
        long end = THREADS.getCurrentThreadCpuTime();
        cpu.libraryNanos += between - start;
        cpu.bareNanos += end - between;
        cpu.verifies += RUN;
    }
}
