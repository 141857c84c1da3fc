package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On a real Jetty, {@code OssCallbackFilter} declared by class takes the settings as init-params
 * under their own names, and an init-param that is no setting (another entry point's spelling, a
 * typo) stops the web application from starting, with the setting it most likely meant.
 */
class InitParamsOnJettyTest {

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private LoopbackKeyServer keyServer;
    private JettyFixture jetty;

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
        jetty = new JettyFixture();
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
        keyServer.close();
    }

    private RawHttp.Response callback(String base, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return RawHttp.post(URI.create(base).getPort(), "/cb/x", signer.headers(keyServer.url("/oss/key.pem"), "/cb/x",
                null, "application/x-www-form-urlencoded", bytes), bytes);
    }

    @Test
    void initParamsNamedAsTheSettingsApply() throws Exception {
        String base = jetty.start("", "/cb/*", null, Map.of("keyUrlPrefixes", keyServer.baseUrl() + "/oss/",
                "maxBodyBytes", "40"), ok);
        assertEquals(200, callback(base, "bucket=b&object=o").status());
        RawHttp.Response tooLarge = callback(base, "bucket=b&object=" + "o".repeat(40));
        assertEquals(413, tooLarge.status());
    }

    @Test
    void theStartersSpellingIsRefusedWithTheInitParamName() {
        String failure = startFailure(Map.of("keyUrlPrefixes", keyServer.baseUrl() + "/oss/", "max-body-bytes", "40"));
        assertTrue(failure.contains("OssCallbackFilter"), failure);
        assertTrue(failure.contains("unknown setting 'max-body-bytes' (did you mean maxBodyBytes?)"), failure);
    }

    @Test
    void theJaxRsSpellingIsRefusedWithTheInitParamName() {
        String failure = startFailure(Map.of("oss.callback.replayWindowSeconds", "600"));
        assertTrue(failure.contains("unknown setting 'oss.callback.replayWindowSeconds' (did you mean"
                + " replayWindowSeconds?)"), failure);
    }

    @Test
    void aMisspeltInitParamIsRefusedWithTheNearestSetting() {
        String failure = startFailure(Map.of("replayWindow", "600"));
        assertTrue(failure.contains("unknown setting 'replayWindow' (did you mean replayWindowSeconds?)"), failure);
    }

    @Test
    void initParamsBesideAVerifierPassedInStopTheStartInsteadOfBeingIgnored() {
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build()).build();
        try {
            Exception e = assertThrows(Exception.class, () -> jetty.start("", "/cb/*", new OssCallbackFilter(verifier),
                    Map.of("replayWindowSeconds", "600"), ok));
            List<String> messages = new ArrayList<>();
            collect(e, messages);
            String failure = String.join(" | ", messages);
            assertTrue(failure.contains("was given a verifier and init-params [replayWindowSeconds], which would not"
                    + " apply to it"), failure);
        } finally {
            verifier.close();
        }
    }

    /** Every message of the start-up failure, its causes and what it suppressed; fails if Jetty started. */
    private String startFailure(Map<String, String> initParams) {
        Exception e = assertThrows(Exception.class, () -> jetty.start("", "/cb/*", null, initParams, ok));
        List<String> messages = new ArrayList<>();
        collect(e, messages);
        return String.join(" | ", messages);
    }

    private static void collect(Throwable t, List<String> messages) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            messages.add(String.valueOf(c.getMessage()));
            for (Throwable s : c.getSuppressed()) {
                collect(s, messages);
            }
        }
    }
}
