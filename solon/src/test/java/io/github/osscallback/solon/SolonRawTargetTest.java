package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.RawTargetCase;
import io.github.osscallback.fixtures.RawTargetTally;
import io.github.osscallback.fixtures.RawTargetTally.Seen;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Genuine callbacks whose URL holds any printable ASCII character, percent escape or raw UTF-8,
 * in the path or in the query, signed as OSS signs and sent over a raw socket, must verify
 * through the plugin on smart-http. What smart-http or Solon itself refuses before the plugin
 * (Solon routes by a path it parses with java.net.URI) is not ours: it is recorded in the summary
 * and the case is skipped.
 */
class SolonRawTargetTest {

    private static final byte[] BODY = "bucket=b&object=o.jpg".getBytes(StandardCharsets.UTF_8);
    private static RawTargetTally tally;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        port = TestApplication.start();
        tally = new RawTargetTally("Solon plugin on smart-http");
    }

    @AfterAll
    static void summary() throws IOException {
        tally.writeSummary();
    }

    @TestFactory
    Stream<DynamicTest> genuineCallbacksVerifyWhateverTheTargetHolds() {
        return RawTargetCase.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(),
                () -> tally.check(c, "/matrix", SolonRawTargetTest::send, SolonRawTargetTest::seen)));
    }

    @Test
    void aQueryEncodedOtherwiseThanSignedIsRejected() throws IOException {
        // The same to a decoder, but OSS signs the query as sent: verifying anything else would be wrong.
        RawHttp.Response response = send("/matrix/q", "k=a!z", "/matrix/q?k=a%21z", "none");
        assertEquals(403, response.status(), response.body());
        assertTrue(response.body().contains("\"signature_mismatch\""), response.body());
    }

    private static RawHttp.Response send(String signedPath, String signedQuery, String target, String id)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(TestApplication.OSS.headers(
                TestApplication.keys().url("/oss/key.pem"), signedPath, signedQuery,
                "application/x-www-form-urlencoded", BODY));
        headers.put(RawTargetTally.CASE_HEADER, id);
        return RawHttp.post(port, target, headers, BODY);
    }

    private static Seen seen(String id) {
        return TestApplication.REACHED.remove(id) ? Seen.ADAPTER : Seen.NOWHERE;
    }
}
