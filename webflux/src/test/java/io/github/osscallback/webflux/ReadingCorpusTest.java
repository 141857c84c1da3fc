package io.github.osscallback.webflux;

import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.ReadingCase;
import io.github.osscallback.fixtures.ReadingViews;
import io.github.osscallback.testing.OssCallbackSigner;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential decoding corpus through WebFlux: what {@code getFormData()} and the query
 * parameters show a handler is the verifier's reading of the same bytes, or the callback is refused.
 */
class ReadingCorpusTest {

    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static final OssCallbackSigner SIGNER = OssCallbackSigner.generate();
    private static CallbackVerifier verifier;
    private static FluxServer server;

    @BeforeAll
    static void start() {
        verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, SIGNER.publicKeyPem())
                .remoteKeyFetching(false)
                .build();
        server = FluxServer.start(verifier, 2, CallbackApp.class);
    }

    @AfterAll
    static void stop() {
        server.close();
        verifier.close();
    }

    static Stream<ReadingCase> corpus() {
        return ReadingCase.corpus().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void formDataAndQueryParametersAreTheVerifiersReading(ReadingCase c) throws Exception {
        String path = "/oss/callback/views";
        String target = c.query() == null ? path : path + "?" + c.query();
        RawHttp.Response response = RawHttp.post(server.port(), target,
                SIGNER.headers(KEY_URL, path, c.query(), "application/x-www-form-urlencoded", c.body()), c.body());
        assertNull(ReadingViews.problem(c, response.status(), response.body()));
    }
}
