package io.github.osscallback.quarkus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.RawTargetCase;
import io.github.osscallback.fixtures.RawTargetTally;
import io.github.osscallback.fixtures.RawTargetTally.Seen;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The raw request-target matrix on Quarkus REST: genuine callbacks whose URL holds any printable
 * ASCII character, percent escape or raw UTF-8, in the path or the query, signed as OSS signs and
 * sent over a raw socket, must verify. What Vert.x or Quarkus REST refuses before the application
 * sees it (it never reaches the pre-matching marker) is recorded in the summary and skipped.
 */
@QuarkusTest
@WithTestResource(KeyHost.class)
class RawTargetMatrixTest {

    private static final byte[] BODY = "bucket=b&object=o.jpg".getBytes(StandardCharsets.UTF_8);
    private static final RawTargetTally TALLY = new RawTargetTally("Quarkus REST 3.33 on Vert.x");

    @TestHTTPResource("/")
    URL root;

    @AfterAll
    static void summary() throws IOException {
        TALLY.writeSummary();
    }

    @TestFactory
    Stream<DynamicTest> genuineCallbacksVerifyWhateverTheTargetHolds() {
        Callbacks callbacks = Callbacks.ofRunningApplication(root.getPort());
        return RawTargetCase.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(),
                () -> TALLY.check(c, "/cb", (path, query, target, id) -> send(callbacks, path, query, target, id),
                        RawTargetMatrixTest::seen)));
    }

    private static Seen seen(String id) {
        return MatrixResource.REACHED.remove(id) ? Seen.ADAPTER : Seen.NOWHERE;
    }

    private static RawHttp.Response send(Callbacks callbacks, String signedPath, String signedQuery, String target,
                                         String id) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(callbacks.signer.headers(callbacks.keyUrl, signedPath, signedQuery,
                Callbacks.FORM, BODY));
        headers.put(RawTargetTally.CASE_HEADER, id);
        return RawHttp.post(callbacks.port, target, headers, BODY);
    }

    @Test
    void aQueryEncodedOtherwiseThanSignedIsRejected() throws IOException {
        // The same to a decoder, but OSS signs the query as sent: verifying anything else would be wrong.
        Callbacks callbacks = Callbacks.ofRunningApplication(root.getPort());
        RawHttp.Response response = send(callbacks, "/cb/q", "k=a!z", "/cb/q?k=a%21z", "none");
        assertEquals(403, response.status(), response.body());
        assertTrue(response.body().contains("\"signature_mismatch\""), response.body());
    }
}
