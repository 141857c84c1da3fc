package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.LogCapture;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A filter built from init-params owns its verifier and closes it when the container destroys the
 * filter: Tomcat, stopping the web application, finds no thread of ours left and warns of none. A
 * verifier passed in is its owner's, and stays open.
 */
class FilterLifecycleTest {

    private static final byte[] BODY = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);
    private static final String FETCH_THREADS = "oss-callback-key-fetch-";

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private LoopbackKeyServer keyServer;
    private TomcatFixture tomcat;

    private final HttpServlet ok = new HttpServlet() {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            OssCallbacks.reply(resp, CallbackReply.ok());
        }
    };

    @BeforeEach
    void start() throws Exception {
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", signer.publicKeyPem());
        tomcat = new TomcatFixture();
    }

    @AfterEach
    void stop() throws Exception {
        tomcat.close();
        keyServer.close();
    }

    private static Set<Thread> fetchThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(FETCH_THREADS))
                .collect(Collectors.toSet());
    }

    private RawHttp.Response callback(String base) throws IOException {
        String keyUrl = keyServer.url("/oss/key.pem");
        return RawHttp.post(URI.create(base).getPort(), "/cb/x",
                signer.headers(keyUrl, "/cb/x", null, "application/x-www-form-urlencoded", BODY), BODY);
    }

    @Test
    void stoppingTomcatClosesTheVerifierTheFilterBuiltAndLeavesNoThreadOfOurs() throws Exception {
        Set<Thread> before = fetchThreads();
        String base = tomcat.start("", "/cb/*", null, Map.of("keyUrlPrefixes", keyServer.baseUrl() + "/oss/"), ok);
        assertEquals(200, callback(base).status()); // the key is fetched: the verifier starts its client
        Set<Thread> ours = fetchThreads();
        ours.removeAll(before);
        assertFalse(ours.isEmpty(), "the key fetch ran on threads of ours");

        List<String> warnings;
        try (LogCapture.Recorder tomcatLog = new LogCapture.Recorder("org.apache.catalina")) {
            tomcat.close();
            warnings = tomcatLog.records().stream().map(LogCapture::message).collect(Collectors.toList());
        }
        for (Thread t : ours) {
            t.join(10_000); // destroy() has joined them already; this only bounds a failing run
            assertFalse(t.isAlive(), t.getName() + " outlived the web application");
        }
        List<String> leaks = warnings.stream().filter(w -> w.contains("failed to stop it")).collect(Collectors.toList());
        assertEquals(List.of(), leaks);
    }

    @Test
    void aVerifierPassedInIsLeftOpenWhenTheFilterIsDestroyed() throws Exception {
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .build();
        try {
            String base = tomcat.start("", "/cb/*", new OssCallbackFilter(verifier), Map.of(), ok);
            assertEquals(200, callback(base).status());
            tomcat.close();
            assertTrue(verifier.keyStatus().remoteFetching(), "still open after the filter's destroy()");
        } finally {
            verifier.close();
        }
    }
}
