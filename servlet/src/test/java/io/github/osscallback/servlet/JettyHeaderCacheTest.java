package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jetty keeps a per-connection cache of header fields it has seen, {@code Authorization} among
 * them, and by default matches it ignoring case: a signature that equals an earlier one on the
 * same connection but for case reaches the application with the earlier one's case, and fails.
 * Base64 is case-sensitive, so the README tells Jetty users to make that cache case-sensitive;
 * these tests show why, and that the setting is enough.
 */
class JettyHeaderCacheTest {

    private static final String BODY = "bucket=b&object=o";
    private static final OssCallbackSigner OSS = OssCallbackSigner.generate();
    private static LoopbackKeyServer keyServer;
    private static CallbackVerifier verifier;

    @BeforeAll
    static void startKeyServer() throws Exception {
        keyServer = LoopbackKeyServer.start().serve("/oss/key.pem", OSS.publicKeyPem());
        verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .build();
    }

    @AfterAll
    static void stopKeyServer() {
        keyServer.close();
    }

    @Test
    void caseSensitiveHeaderCacheDeliversEachSignatureAsSent() throws Exception {
        assertEquals(List.of(403, 200), caseVariantThenGenuine(new JettyFixture(true)));
    }

    @Test
    void jettysDefaultHeaderCacheRewritesTheCaseOfARepeatedSignature() throws Exception {
        // The genuine callback fails only because Jetty handed over the forged variant's case.
        assertEquals(List.of(403, 403), caseVariantThenGenuine(new JettyFixture(false)));
    }

    /** Statuses of two requests on one connection: the genuine signature with its case swapped, then as signed. */
    private static List<Integer> caseVariantThenGenuine(JettyFixture jetty) throws Exception {
        try (jetty) {
            URI base = URI.create(jetty.start("", "/cb/*", new OssCallbackFilter(verifier), Map.of(), new OssCallbackServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected CallbackReply handle(OssCallback callback, HttpServletRequest request) {
                    return CallbackReply.ok();
                }
            }));
            String genuine = OSS.sign("/cb/x", null, BODY.getBytes(StandardCharsets.UTF_8));
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                OutputStream out = socket.getOutputStream();
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                List<Integer> statuses = new ArrayList<>();
                for (String authorization : List.of(swapCase(genuine), genuine)) {
                    out.write(("POST /cb/x HTTP/1.1\r\n"
                            + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                            + "Content-Type: application/x-www-form-urlencoded\r\n"
                            + "Content-Length: " + BODY.length() + "\r\n"
                            + "Authorization: " + authorization + "\r\n"
                            + "x-oss-pub-key-url: " + OssCallbackSigner.encodeKeyUrl(keyServer.url("/oss/key.pem")) + "\r\n"
                            + "\r\n" + BODY).getBytes(StandardCharsets.ISO_8859_1));
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
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
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
