package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.RawTargetCase;
import io.github.osscallback.fixtures.RawTargetTally;
import io.github.osscallback.fixtures.RawTargetTally.Seen;
import io.github.osscallback.fixtures.ReadingCase;
import io.github.osscallback.fixtures.ReadingViews;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The same application on solon-server-jetty (Jetty 9.4, a javax.servlet request underneath),
 * run by its own surefire execution: genuine and forged callbacks, the differential corpus and
 * the raw request-target matrix.
 */
class OnJettyTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final byte[] BODY = "bucket=b&object=o.jpg".getBytes(StandardCharsets.UTF_8);
    private static RawTargetTally tally;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        port = TestApplication.start();
        tally = new RawTargetTally("Solon plugin on Jetty 9.4 (solon-server-jetty)");
    }

    @AfterAll
    static void summary() throws IOException {
        tally.writeSummary();
    }

    @Test
    void runsOnJettyAndVerifiesAGenuineCallbackButNotAForgedOne() throws Exception {
        TestApplication.HANDLED.clear();
        byte[] body = "bucket=photos&object=a%2Fb.jpg&size=42".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response response = RawHttp.post(port, "/oss/callback/reply",
                TestApplication.signed("/oss/callback/reply", FORM, body), body);
        assertEquals(200, response.status(), response.body());
        assertEquals("{\"object\":\"a/b.jpg\"}", response.body());
        assertEquals(String.valueOf(response.body().length()), response.header("content-length"));
        OssCallback callback = (OssCallback) TestApplication.HANDLED.get(0);
        assertEquals("/oss/callback/reply", callback.path());
        assertTrue(RawTargetProbe.servletRequest(), "not a servlet request underneath");
        Map<String, String> forged = new LinkedHashMap<>(TestApplication.signed("/oss/callback/reply", FORM, body));
        forged.put("authorization", TestApplication.OSS.sign("/oss/callback/other", null, body));
        RawHttp.Response refused = RawHttp.post(port, "/oss/callback/reply", forged, body);
        assertEquals(403, refused.status(), refused.body());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"signature_mismatch\"}", refused.body());
    }

    /**
     * Jetty's header cache, left as solon-server-jetty configures it, hands a signature over in the
     * case of an earlier value on the same connection, and the genuine callback fails; the plugin
     * turns the cache off on Jetty 9.4 before the server starts.
     */
    @Test
    void anEarlierAuthorizationOnTheSameConnectionCannotBreakAGenuineCallback() throws Exception {
        assertEquals(List.of(400, 200), earlierValueThenGenuine(port, signature -> swapCase(signature.substring(0, 1))));
        assertEquals(List.of(403, 200), earlierValueThenGenuine(port, OnJettyTest::swapCase));
    }

    /** Statuses of two requests on one connection: one whose authorization is derived from a genuine signature, then the genuine callback. */
    static List<Integer> earlierValueThenGenuine(int port, java.util.function.UnaryOperator<String> earlier) throws Exception {
        byte[] body = null;
        Map<String, String> genuine = null;
        for (int i = 0; genuine == null || !Character.isLetter(genuine.get("authorization").charAt(0)); i++) {
            body = ("bucket=photos&object=g" + i).getBytes(StandardCharsets.UTF_8);
            genuine = TestApplication.signed("/oss/callback/reply", FORM, body);
        }
        Map<String, String> first = new LinkedHashMap<>(genuine);
        first.put("authorization", earlier.apply(genuine.get("authorization")));
        List<Integer> statuses = new ArrayList<>();
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            java.io.InputStream in = socket.getInputStream();
            for (Map<String, String> headers : List.of(first, genuine)) {
                StringBuilder head = new StringBuilder("POST /oss/callback/reply HTTP/1.1\r\nHost: 127.0.0.1\r\n");
                headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
                head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
                socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.UTF_8));
                socket.getOutputStream().write(body);
                socket.getOutputStream().flush();
                statuses.add(readResponse(in));
            }
        }
        return statuses;
    }

    /** Reads one response with a Content-Length off a kept-alive connection; its status. */
    private static int readResponse(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return Integer.parseInt(head.substring(9, 12));
    }

    static String swapCase(String s) {
        StringBuilder swapped = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            swapped.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return swapped.toString();
    }

    @Test
    void everyParameterViewGivesTheVerifiersReadingOrNothing() throws Exception {
        List<String> failures = new ArrayList<>();
        for (ReadingCase c : ReadingCase.corpus()) {
            String view = "/oss/callback/views";
            String target = view + (c.query() == null ? "" : "?" + c.query());
            RawHttp.Response response = RawHttp.post(port, target, TestApplication.OSS.headers(
                    TestApplication.keys().url("/oss/key.pem"), view, c.query(), FORM, c.body()), c.body());
            String failure = response.body().contains("\"inconsistent\"") ? "views disagree: " + response.body()
                    : ReadingViews.problem(c, response.status(), response.body());
            if (failure != null) {
                failures.add(c + ": " + failure);
            }
        }
        assertEquals(List.of(), failures);
    }

    @TestFactory
    Stream<DynamicTest> genuineCallbacksVerifyWhateverTheTargetHolds() {
        return RawTargetCase.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(),
                () -> tally.check(c, "/matrix", OnJettyTest::send, OnJettyTest::seen)));
    }

    private static RawHttp.Response send(String signedPath, String signedQuery, String target, String id)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(TestApplication.OSS.headers(
                TestApplication.keys().url("/oss/key.pem"), signedPath, signedQuery, FORM, BODY));
        headers.put(RawTargetTally.CASE_HEADER, id);
        return RawHttp.post(port, target, headers, BODY);
    }

    private static Seen seen(String id) {
        return TestApplication.REACHED.remove(id) ? Seen.ADAPTER : Seen.NOWHERE;
    }
}
