package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.LogCapture;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.servlet.http.HttpServletRequest;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Jetty keeps a per-connection cache of header fields it has seen, {@code Authorization} among
 * them, and by default looks new fields up in it ignoring case, taking the longest cached value
 * that starts the new one. So a signature reaches the application with the case of an earlier
 * value on the same connection, even one of a single letter, and fails: anyone whose requests
 * share a proxy's upstream connection with OSS's can break callbacks that way. Base64 is
 * case-sensitive, so the README tells Jetty users to make that cache case-sensitive, and the
 * filter reads the setting at its first request on Jetty and warns if it is off. These tests show
 * why, that the setting is enough, and that Tomcat needs none. The tests tagged {@code jetty}
 * need no Tomcat: the javax build runs them again on Jetty 9.4, where Tomcat is not on the class path.
 */
class JettyHeaderCacheTest {

    private static final OssCallbackSigner OSS = OssCallbackSigner.generate();
    private static LoopbackKeyServer keyServer;
    private static CallbackVerifier verifier;
    private static String body;
    private static String genuine;

    @BeforeAll
    static void start() throws Exception {
        keyServer = LoopbackKeyServer.start().serve("/oss/key.pem", OSS.publicKeyPem());
        verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .build();
        // A body whose signature starts with a letter, so that letter can be sent in the other case.
        for (int i = 0; genuine == null || !Character.isLetter(genuine.charAt(0)); i++) {
            body = "bucket=b&object=o" + i;
            genuine = OSS.sign("/cb/x", null, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    @AfterAll
    static void stop() {
        keyServer.close();
    }

    @Test
    @Tag("jetty")
    void caseSensitiveHeaderCacheDeliversEachSignatureAsSent() throws Exception {
        assertEquals(List.of(403, 200), earlierValueThenGenuine(new JettyFixture(true), JettyHeaderCacheTest::swapCase));
        assertEquals(List.of(400, 200), earlierValueThenGenuine(new JettyFixture(true), s -> swapCase(s.substring(0, 1))));
    }

    @Test
    @Tag("jetty")
    void jettysDefaultHeaderCacheRewritesTheCaseOfASignature() throws Exception {
        // Each genuine callback fails only because Jetty handed over the earlier value's case.
        assertEquals(List.of(403, 403), earlierValueThenGenuine(new JettyFixture(false), JettyHeaderCacheTest::swapCase));
        assertEquals(List.of(400, 403), earlierValueThenGenuine(new JettyFixture(false), s -> swapCase(s.substring(0, 1))));
    }

    /** Tomcat has no such cache. (It closes the connection after a 400, so the one-letter case cannot arise.) */
    @Test
    void tomcatDeliversEachSignatureAsSent() throws Exception {
        assertEquals(List.of(403, 200), earlierValueThenGenuine(new TomcatFixture(), JettyHeaderCacheTest::swapCase));
    }

    /**
     * On Jetty, the filter reads the connection's header cache setting at its first request and
     * warns once, before any mismatch, only when the cache ignores case; a correctly configured
     * Jetty logs only the rejection.
     */
    @Test
    @Tag("jetty")
    void warnsAtTheFirstRequestOnlyWhenJettysHeaderCacheIgnoresCase() throws Exception {
        List<LogRecord> off = LogCapture.recordsOf(OssCallbackFilter.class, () -> earlierValueThenGenuine(new JettyFixture(false), JettyHeaderCacheTest::swapCase));
        assertEquals(List.of(Level.WARNING, Level.INFO, Level.INFO), levels(off));
        // Jetty 9.4 (the javax build's second run) has no case switch; the fix there is no cache at all.
        String fix = org.eclipse.jetty.util.Jetty.VERSION.startsWith("9.") ? "setHeaderCacheSize(0)" : "setHeaderCacheCaseSensitive(true)";
        assertTrue(LogCapture.message(off.get(0)).contains(fix), LogCapture.message(off.get(0)));
        assertFalse(LogCapture.message(off.get(1)).contains("setHeaderCacheCaseSensitive"), LogCapture.message(off.get(1)));
        assertFalse(LogCapture.message(off.get(2)).contains("setHeaderCacheCaseSensitive"), LogCapture.message(off.get(2)));

        // Said at the first request, whether or not anything fails yet.
        List<Integer> statuses = new ArrayList<>();
        List<LogRecord> offGenuine = LogCapture.recordsOf(OssCallbackFilter.class, () -> statuses.addAll(earlierValueThenGenuine(new JettyFixture(false), s -> s)));
        assertEquals(List.of(200, 200), statuses);
        assertEquals(List.of(Level.WARNING), levels(offGenuine));

        // A mismatch on a correctly configured Jetty is only a rejection.
        List<LogRecord> on = LogCapture.recordsOf(OssCallbackFilter.class, () -> earlierValueThenGenuine(new JettyFixture(true), JettyHeaderCacheTest::swapCase));
        assertEquals(List.of(Level.INFO), levels(on));
        assertTrue(LogCapture.message(on.get(0)).contains("signature_mismatch"), LogCapture.message(on.get(0)));
        assertFalse(LogCapture.message(on.get(0)).contains("setHeaderCacheCaseSensitive"), LogCapture.message(on.get(0)));
    }

    /** Tomcat has no such cache, so the filter logs only the rejection. */
    @Test
    void onTomcatOnlyTheRejectionIsLogged() throws Exception {
        List<LogRecord> tomcat = LogCapture.recordsOf(OssCallbackFilter.class, () -> earlierValueThenGenuine(new TomcatFixture(), JettyHeaderCacheTest::swapCase));
        assertEquals(List.of(Level.INFO), levels(tomcat));
        assertFalse(LogCapture.message(tomcat.get(0)).contains("setHeaderCacheCaseSensitive"), LogCapture.message(tomcat.get(0)));
    }


    private static List<Level> levels(List<LogRecord> records) {
        return records.stream().map(LogRecord::getLevel).collect(Collectors.toList());
    }


    /**
     * Statuses of two requests on one connection: one whose authorization is derived from the
     * genuine signature, then the genuine callback.
     */
    private static List<Integer> earlierValueThenGenuine(ContainerFixture container,
                                                         UnaryOperator<String> earlierValue) throws Exception {
        try (container) {
            URI base = URI.create(container.start("", "/cb/*", new OssCallbackFilter(verifier), Map.of(), new OssCallbackServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected CallbackReply handle(OssCallback callback, HttpServletRequest request) {
                    return CallbackReply.ok();
                }
            }));
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                OutputStream out = socket.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                List<Integer> statuses = new ArrayList<>();
                for (String authorization : List.of(earlierValue.apply(genuine), genuine)) {
                    out.write(("POST /cb/x HTTP/1.1\r\n"
                            + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                            + "Content-Type: application/x-www-form-urlencoded\r\n"
                            + "Content-Length: " + body.length() + "\r\n"
                            + "Authorization: " + authorization + "\r\n"
                            + "x-oss-pub-key-url: " + OssCallbackSigner.encodeKeyUrl(keyServer.url("/oss/key.pem")) + "\r\n"
                            + "\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    statuses.add(readResponseStatus(in));
                }
                return statuses;
            }
        }
    }

    private static int readResponseStatus(BufferedReader in) throws Exception {
        int status = Integer.parseInt(in.readLine().split(" ")[1]);
        int length = 0;
        for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        in.skip(length);
        return status;
    }

    private static String swapCase(String s) {
        StringBuilder swapped = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            swapped.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return swapped.toString();
    }
}
