package io.github.osscallback.benchmarks;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * Verifying a 64 KiB callback whose field names all share one {@code String.hashCode} against the
 * same body shape with distinct names: anyone who can have OSS sign a body chooses its names, and
 * a captured signature replays, so every replay pays whatever the colliding names cost. The
 * verifier refuses body problems, so that {@code json-refused} measures a refusal.
 *
 * <p>Each invocation verifies one of each, and counts each verify's CPU time on its thread: the
 * two kinds interleave, so both meet the same load, and a verify descheduled on a shared machine
 * counts only the time it ran, not the time it waited.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CollidingNamesBenchmark {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Param({"form", "json", "json-jackson", "json-null", "json-refused"})
    public String body;

    private LoopbackKeyServer keyServer;
    private CallbackVerifier verifier;
    private CallbackRequest distinct;
    private CallbackRequest colliding;

    /** Thread CPU time spent in each kind of verify, and the invocations, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        public long distinctNanos;
        public long collidingNanos;
        public long pairs;

        @Setup(Level.Iteration)
        public void reset() {
            distinctNanos = 0;
            collidingNanos = 0;
            pairs = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (!THREADS.isCurrentThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM does not measure a thread's CPU time");
        }
        OssCallbackSigner oss = OssCallbackSigner.generate(512);
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", oss.publicKeyPem());
        String keyUrl = keyServer.url("/oss/key.pem");
        verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .maxBodyBytes(128 * 1024)
                .strictBodyParsing(true)
                .build();
        verifier.prefetchKey(keyUrl);
        String contentType = body.startsWith("json") ? Bodies.JSON : Bodies.FORM;
        distinct = oss.request(keyUrl, "/oss/callback", null, contentType, Bodies.namedFields(body, false)).build();
        colliding = oss.request(keyUrl, "/oss/callback", null, contentType, Bodies.namedFields(body, true)).build();
        // Fails the trial at once if a body is not what this benchmark says it is.
        for (CallbackRequest request : new CallbackRequest[] {distinct, colliding}) {
            Object outcome = verify(request);
            if (outcome instanceof CallbackRejectedException != body.equals("json-refused")) {
                throw new IllegalStateException(body + ": " + outcome);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        verifier.close();
        keyServer.close();
    }

    /** One verify of each kind; the primary score is the pair's wall-clock time. */
    @Benchmark
    public void verifyBoth(CpuTime cpu, Blackhole sink) {
        long start = THREADS.getCurrentThreadCpuTime();
        sink.consume(verify(distinct));
        long between = THREADS.getCurrentThreadCpuTime();
        sink.consume(verify(colliding));
        long end = THREADS.getCurrentThreadCpuTime();
        cpu.distinctNanos += between - start;
        cpu.collidingNanos += end - between;
        cpu.pairs++;
    }

    /** The verified callback, or the refusal of {@code json-refused}. */
    private Object verify(CallbackRequest request) {
        try {
            return verifier.verify(request);
        } catch (CallbackRejectedException e) {
            return e;
        }
    }
}
