package io.github.osscallback.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.RawTargetCase;
import io.github.osscallback.fixtures.RawTargetTally;
import io.github.osscallback.fixtures.RawTargetTally.Seen;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Genuine callbacks whose URL holds any printable ASCII character, percent escape (valid,
 * invalid, encoded slash, control characters) or raw UTF-8, in the path or in the query, signed as
 * OSS signs and sent over a raw socket, must verify through the JAX-RS feature on a given runtime.
 * What the container or JAX-RS runtime refuses before the application sees the request (it never
 * reaches the pre-matching marker filter, and the answer is neither our resource's nor our
 * filter's) is not ours: it is recorded, reported in the summary, and the case is skipped.
 * One server per runtime serves every case.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RawTargetMatrix {

    static final String CASE_HEADER = RawTargetTally.CASE_HEADER;
    private static final byte[] BODY = "bucket=b&object=o.jpg".getBytes(StandardCharsets.UTF_8);
    /** Case ids whose request reached JAX-RS (the pre-matching marker filter). */
    private static final Set<String> REACHED = ConcurrentHashMap.newKeySet();
    /** Case ids whose request passed the servlet container (for runtimes served by one). */
    private static final Set<String> PASSED_CONTAINER = ConcurrentHashMap.newKeySet();

    static void markPassedContainer(String id) {
        if (id != null) {
            PASSED_CONTAINER.add(id);
        }
    }

    /** The callback endpoint: any path below {@code cb}. */
    @Path("cb")
    public static class MatrixResource {
        @POST
        @Path("{rest: [\\s\\S]*}")
        @OssCallbackVerified
        public CallbackReply callback() {
            return CallbackReply.json(Map.of("verified", true));
        }
    }

    /** Marks that a request got past the container into the JAX-RS runtime. */
    @PreMatching
    public static class ReachedMarker implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext context) {
            String id = context.getHeaderString(CASE_HEADER);
            if (id != null) {
                REACHED.add(id);
            }
        }
    }

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private RawTargetTally tally;
    private LoopbackKeyServer keyServer;
    private String keyUrl;
    private int port;

    /** A name for the summary, e.g. "Jersey on Jetty 12". */
    abstract String runtime();

    /**
     * Starts the runtime on 127.0.0.1 serving {@link MatrixResource} and {@link ReachedMarker}
     * with {@code new OssCallbackFeature(verifier)}.
     *
     * @return the port
     */
    abstract int start(CallbackVerifier verifier) throws Exception;

    /** The path under which {@code cb} is served, e.g. {@code /app/api/cb}. */
    abstract String callbackPrefix();

    abstract void stop() throws Exception;

    @BeforeAll
    void startServers() throws Exception {
        tally = new RawTargetTally(runtime());
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", signer.publicKeyPem());
        keyUrl = keyServer.url("/oss/key.pem");
        port = start(CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .build());
    }

    @AfterAll
    void stopServers() throws Exception {
        try {
            stop();
        } finally {
            keyServer.close();
            tally.writeSummary();
        }
    }

    @TestFactory
    Stream<DynamicTest> genuineCallbacksVerifyWhateverTheTargetHolds() {
        return RawTargetCase.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(),
                () -> tally.check(c, callbackPrefix(), this::send, RawTargetMatrix::seen)));
    }

    private static Seen seen(String id) {
        boolean reached = REACHED.remove(id);
        boolean passedContainer = PASSED_CONTAINER.remove(id);
        return reached ? Seen.ADAPTER : passedContainer ? Seen.PAST_THE_CONTAINER : Seen.NOWHERE;
    }

    /** Sends a callback signed for one path and query to a target, marked with a case id. */
    private RawHttp.Response send(String signedPath, String signedQuery, String target, String id) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(
                signer.headers(keyUrl, signedPath, signedQuery, "application/x-www-form-urlencoded", BODY));
        headers.put(CASE_HEADER, id);
        return RawHttp.post(port, target, headers, BODY);
    }

    @Test
    void aQueryEncodedOtherwiseThanSignedIsRejected() throws IOException {
        // The same to a decoder, but OSS signs the query as sent: verifying anything else would be wrong.
        RawHttp.Response response = send(callbackPrefix() + "/q", "k=a!z", callbackPrefix() + "/q?k=a%21z", "none");
        assertEquals(403, response.status(), response.body());
        assertTrue(response.body().contains("\"signature_mismatch\""), response.body());
    }
}
