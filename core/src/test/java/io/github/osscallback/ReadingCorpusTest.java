package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.ReadingCase;
import io.github.osscallback.internal.QueryNames;
import io.github.osscallback.testing.OssCallbackSigner;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential corpus through the verifier itself: a body is read under the strict grammar or
 * not at all, and what it reads is what {@code java.net.URLDecoder} (the JAX-RS runtimes' decoder,
 * the one the attacks exploited) reads from the same bytes. The adapters' tests run the same corpus
 * against every view they expose.
 */
class ReadingCorpusTest {

    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final CallbackVerifier verifier = builder().build();
    private final CallbackVerifier withTokens = builder()
            .uploadTokens(UploadTokens.builder().signingKey("k1", SECRET).build()).build();

    private CallbackVerifier.Builder builder() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem())
                .remoteKeyFetching(false);
    }

    static Stream<ReadingCase> corpus() {
        return ReadingCase.corpus().stream();
    }

    private CallbackRequest signed(ReadingCase c) {
        return signer.request(KEY_URL, "/cb", c.query(), FORM, c.body()).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void readsTheBodyUnderTheStrictGrammarOrNotAtAll(ReadingCase c) throws Exception {
        if (c.refusal() != null) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> verifier.verify(signed(c)));
            assertEquals(c.refusal(), e.reason().code());
            return;
        }
        OssCallback callback = verifier.verify(signed(c));
        assertFalse(callback.fields().containsValue(ReadingCase.PLANTED), callback.fields().toString());
        if (c.readable()) {
            assertTrue(callback.bodyProblem().isEmpty(), () -> callback.bodyProblem().get());
            assertEquals(urlDecoderReading(c.body()), callback.fields());
        } else {
            assertTrue(callback.bodyProblem().isPresent(), "expected a body problem");
            assertEquals(Map.of(), callback.fields());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void refusesABodyWithoutOneReadingWhenATokenIsChecked(ReadingCase c) {
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> withTokens.verify(signed(c)));
        String expected = c.refusal() != null ? c.refusal() : c.readable() ? "upload_token_missing" : "malformed_body";
        assertEquals(expected, e.reason().code(), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void readsTheQueryAsURLDecoderDoesWhereItsGrammarIsStrictAndNotAtAllElsewhere(ReadingCase c) throws Exception {
        if (c.query() == null || c.refusal() != null) {
            return;
        }
        Map<String, List<String>> read = verifier.verify(signed(c)).queryParameters();
        Map<String, List<String>> expected = new LinkedHashMap<>();
        for (String pair : c.query().split("&")) {
            String[] nv = pair.split("=", 2);
            String name = QueryNames.strict(nv[0]);
            String value = QueryNames.strict(nv.length > 1 ? nv[1] : "");
            if (name != null && value != null && !name.isEmpty()) {
                assertEquals(URLDecoder.decode(nv[0], StandardCharsets.UTF_8), name);
                expected.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
        }
        assertEquals(expected, read);
        assertFalse(read.containsKey("object"));
    }

    /** Java's URLDecoder over the pairs, as Jersey's and RESTEasy's form readers apply it. */
    private static Map<String, String> urlDecoderReading(byte[] body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            assertEquals(null, fields.put(name, value), "the corpus's readable bodies name each field once");
        }
        return fields;
    }
}
