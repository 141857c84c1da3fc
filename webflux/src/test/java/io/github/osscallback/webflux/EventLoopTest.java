package io.github.osscallback.webflux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.HangingKeyHost;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * One Netty event loop serves everything: while callbacks wait for a key host that never
 * answers, a callback with a pinned key is verified and answered on that same event-loop thread.
 * Had any verification blocked its thread, the second could not be served until the first gave up.
 */
class EventLoopTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final byte[] BODY = "bucket=photos&object=o.jpg&size=3".getBytes(StandardCharsets.UTF_8);

    @Test
    void aHangingKeyHostHoldsNoEventLoopThread() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        int hanging = 3;
        try (HangingKeyHost host = new HangingKeyHost(1)) {
            String pinnedUrl = "https://keys.test/oss/key.pem";
            CallbackVerifier verifier = CallbackVerifier.builder()
                    .keyUrlPolicy(KeyUrlPolicy.builder()
                            .allowPrefix("https://keys.test/oss/")
                            .allowPrefix(host.baseUrl() + "/oss/")
                            .build())
                    .pinKey(pinnedUrl, signer.publicKeyPem())
                    // Long enough that the pinned callback is answered while the fetch still hangs.
                    .keyFetchTimeout(Duration.ofSeconds(20))
                    .keyFetchConnectTimeout(Duration.ofSeconds(2))
                    .build();
            try (FluxServer server = FluxServer.start(verifier, 1, CallbackApp.class)) {
                CallbackApp.REACHED.clear();
                String hangingUrl = host.baseUrl() + "/oss/key.pem";
                List<CompletableFuture<RawHttp.Response>> waiting = new java.util.ArrayList<>();
                for (int i = 0; i < hanging; i++) {
                    waiting.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return RawHttp.post(server.port(), "/oss/callback/reply",
                                    signer.headers(hangingUrl, "/oss/callback/reply", null, FORM, BODY), BODY);
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }));
                }
                assertTrue(host.awaitConnections(30), "the key fetch reached the hanging host");

                RawHttp.Response pinned = RawHttp.post(server.port(), "/oss/callback/reply",
                        signer.headers(pinnedUrl, "/oss/callback/reply", null, FORM, BODY), BODY);

                assertEquals(200, pinned.status(), pinned.body());
                assertEquals(1, CallbackApp.REACHED.size(), CallbackApp.REACHED.toString());
                String thread = CallbackApp.REACHED.get(0).split("@")[1];
                assertTrue(thread.startsWith(FluxServer.LOOP_PREFIX), thread);
                for (CompletableFuture<RawHttp.Response> w : waiting) {
                    assertFalse(w.isDone(), "still waiting for the key host");
                }
                verifier.close(); // ends the fetch: the waiting callbacks are refused, never answered late by a handler
                for (CompletableFuture<RawHttp.Response> w : waiting) {
                    RawHttp.Response refused = w.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    assertEquals(503, refused.status(), refused.body());
                    assertTrue(refused.body().contains("\"key_unavailable\""), refused.body());
                }
                assertEquals(1, CallbackApp.REACHED.size());
            }
        }
    }
}
