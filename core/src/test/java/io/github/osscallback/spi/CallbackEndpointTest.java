package io.github.osscallback.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.spi.CallbackEndpoint;
import io.github.osscallback.spi.ContainerCheck;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The adapter core without a container: what each adapter relies on it for. */
public class CallbackEndpointTest {

    private static final String KEY_URL = "https://gosspublic.alicdn.com/callback_pub_key_v1.pem";

    /** Collects formatted log lines; a real System.Logger, not a mock. */
    public static final class Lines implements System.Logger {
        final List<String> lines = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + MessageFormat.format(format, params));
        }
    }

    private static CallbackEndpoint.Incoming request(String method, Supplier<InputStream> body, String remote) {
        return request(method, body, remote, null);
    }

    private static CallbackEndpoint.Incoming request(String method, Supplier<InputStream> body, String remote,
                                                     Object container) {
        return new CallbackEndpoint.Incoming() {
            @Override
            public Object containerRequest() {
                return container;
            }

            @Override
            public String method() {
                return method;
            }

            @Override
            public String rawPath() {
                return "/cb";
            }

            @Override
            public String rawQuery() {
                return "token=t0k3n";
            }

            @Override
            public List<String> headers(String name) {
                return name.equals(CallbackRequest.AUTHORIZATION) ? List.of("c2lnbmF0dXJl") : null;
            }

            @Override
            public InputStream body() {
                return body.get();
            }

            @Override
            public long declaredLength() {
                return -1;
            }

            @Override
            public String remoteAddress() {
                return remote;
            }
        };
    }

    @Test
    void rejectionRepliesAreRenderedOncePerReasonAndOnlyA405NamesAllow() {
        for (CallbackRejectedException.Reason reason : CallbackRejectedException.Reason.values()) {
            CallbackReply first = new CallbackRejectedException(reason, "a").toReply();
            assertSame(first, new CallbackRejectedException(reason, "b").toReply());
            assertEquals(reason.httpStatus(), first.status());
            assertEquals("{\"status\":\"REJECTED\",\"reason\":\"" + reason.code() + "\"}", first.bodyAsString());
            assertEquals(reason == CallbackRejectedException.Reason.METHOD_NOT_ALLOWED ? Map.of("Allow", "POST") : Map.of(),
                    first.headers());
        }
        assertEquals(Map.of(), CallbackReply.ok().headers());
        assertThrows(UnsupportedOperationException.class,
                () -> new CallbackRejectedException(CallbackRejectedException.Reason.METHOD_NOT_ALLOWED, "test").toReply()
                        .headers().put("Allow", "GET"));
    }

    @Test
    void theNonBlockingPathLogsTheSameLineAndSubscribesOnlyForPost() {
        Lines log = new Lines();
        CallbackEndpoint endpoint = CallbackEndpoint.of("TestAdapter", CallbackVerifier.builder().build(), log);
        java.util.concurrent.Flow.Publisher<java.nio.ByteBuffer> untouchable = subscriber -> {
            throw new AssertionError("a GET body must not be subscribed to");
        };
        CallbackEndpoint.Incoming get = request("GET", () -> {
            throw new AssertionError("the non-blocking path never reads the stream");
        }, "203.0.113.9");
        java.util.concurrent.CompletionException wrapped = assertThrows(java.util.concurrent.CompletionException.class,
                () -> endpoint.verifyAsync(get, untouchable).toCompletableFuture().join());
        CallbackRejectedException e = (CallbackRejectedException) wrapped.getCause();
        assertEquals(CallbackRejectedException.Reason.METHOD_NOT_ALLOWED, e.reason());
        assertEquals(List.of("INFO OSS callback rejected by TestAdapter: method_not_allowed (405), GET from 203.0.113.9: "
                + e.getMessage()), log.lines);

        log.lines.clear();
        byte[] body = "bucket=b&secret=p4ssw0rd".getBytes();
        java.util.concurrent.SubmissionPublisher<java.nio.ByteBuffer> publisher = new java.util.concurrent.SubmissionPublisher<>(
                Runnable::run, 4);
        CallbackEndpoint.Incoming post = request("POST", () -> {
            throw new AssertionError("the non-blocking path never reads the stream");
        }, null);
        java.util.concurrent.CompletableFuture<CallbackEndpoint.Verified> verified =
                endpoint.verifyAsync(post, publisher).toCompletableFuture();
        publisher.submit(java.nio.ByteBuffer.wrap(body));
        publisher.close();
        CallbackRejectedException mismatch = (CallbackRejectedException) assertThrows(
                java.util.concurrent.CompletionException.class, verified::join).getCause();
        assertEquals(1, log.lines.size(), log.lines.toString());
        String line = log.lines.get(0);
        assertTrue(line.startsWith("INFO OSS callback rejected by TestAdapter: " + mismatch.reason().code() + " ("
                + mismatch.reason().httpStatus() + "), POST: "), line);
        assertFalse(line.contains("p4ssw0rd"), line);
    }

    @Test
    void bodyIsReadOnlyForPostAndARejectionIsLoggedOnceOnOneLine() {
        Lines log = new Lines();
        CallbackEndpoint endpoint = CallbackEndpoint.of("TestAdapter", CallbackVerifier.builder().build(), log);
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> endpoint.verify(
                request("GET", () -> {
                    throw new AssertionError("a GET body must not be read");
                }, "203.0.113.9")));
        assertEquals(CallbackRejectedException.Reason.METHOD_NOT_ALLOWED, e.reason());
        assertEquals(List.of("INFO OSS callback rejected by TestAdapter: method_not_allowed (405), GET from 203.0.113.9: "
                + e.getMessage()), log.lines);

        log.lines.clear();
        byte[] body = "bucket=b&secret=p4ssw0rd".getBytes();
        CallbackRejectedException mismatch = assertThrows(CallbackRejectedException.class,
                () -> endpoint.verify(request("POST", () -> new ByteArrayInputStream(body), null)));
        assertEquals(1, log.lines.size(), log.lines.toString());
        String line = log.lines.get(0);
        assertTrue(line.startsWith("INFO OSS callback rejected by TestAdapter: " + mismatch.reason().code() + " ("
                + mismatch.reason().httpStatus() + "), POST: "), line);
        assertFalse(line.contains("t0k3n") || line.contains("p4ssw0rd") || line.contains("c2lnbmF0dXJl"), line);
    }

    @Test
    void logRejectionKeepsAttackerTextOnOneLine() {
        Lines log = new Lines();
        CallbackEndpoint.logRejection(log, "handler", new CallbackRejectedException(
                CallbackRejectedException.Reason.REPLAYED, "seen"), "PO\nST", "1.2.3.4\r\nFAKE");
        assertEquals(List.of("INFO OSS callback rejected by handler: replayed (409), PO?ST from 1.2.3.4??FAKE: seen"), log.lines);
    }

    @Test
    void verifiedRequestHandsBackTheBodyItWasVerifiedFrom() throws Exception {
        OssCallbackSigner oss = OssCallbackSigner.generate();
        CallbackVerifier verifier = CallbackVerifier.builder().pinnedOssKey(false).remoteKeyFetching(false)
                .pinKey(KEY_URL, oss.publicKeyPem()).build();
        byte[] body = "bucket=b&object=o".getBytes();
        String signature = oss.sign("/cb", "token=t0k3n", body);
        CallbackEndpoint.Verified verified = CallbackEndpoint.of("TestAdapter", verifier, new Lines()).verify(
                new CallbackEndpoint.Incoming() {
                    @Override
                    public String method() {
                        return "POST";
                    }

                    @Override
                    public String rawPath() {
                        return "/cb";
                    }

                    @Override
                    public String rawQuery() {
                        return "token=t0k3n";
                    }

                    @Override
                    public List<String> headers(String name) {
                        switch (name) {
                            case CallbackRequest.AUTHORIZATION:
                                return List.of(signature);
                            case CallbackRequest.PUB_KEY_URL:
                                return List.of(OssCallbackSigner.encodeKeyUrl(KEY_URL));
                            default:
                                return List.of("application/x-www-form-urlencoded");
                        }
                    }

                    @Override
                    public InputStream body() {
                        return new ByteArrayInputStream(body);
                    }

                    @Override
                    public long declaredLength() {
                        return body.length;
                    }
                });
        assertEquals("b", verified.callback().bucket().orElseThrow());
        assertEquals(new String(body), new String(verified.bodyStream().readAllBytes()));
    }

    @Test
    void misconfigurationNamesTheAdapterAndTheSetting() {
        Map<String, Object> properties = Map.of("oss.callback.maxBodyBytes", "many", "unrelated", "x");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CallbackEndpoint.configure(
                "TestAdapter (properties)", "oss.callback.", properties.keySet(), properties::get));
        assertTrue(e.getMessage().startsWith(
                "TestAdapter (properties) is misconfigured (settings are named oss.callback.<setting>): "), e.getMessage());
        assertTrue(e.getMessage().contains("maxBodyBytes"), e.getMessage());

        Map<String, Object> good = Map.of("oss.callback.maxBodyBytes", 16, "unrelated", "x");
        assertEquals(16, CallbackEndpoint.configure("TestAdapter", "oss.callback.", good.keySet(), good::get).maxBodyBytes());
    }

    @Test
    void configuredEndpointNamesTheAdapterAndWhereTheSettingsCameFrom() {
        Map<String, Object> properties = Map.of("oss.callback.maxBodyByte", "16");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CallbackEndpoint.configured(
                "TestAdapter", "properties", "oss.callback.", properties.keySet(), properties::get, new Lines()));
        assertTrue(e.getMessage().startsWith(
                "TestAdapter (properties) is misconfigured (settings are named oss.callback.<setting>): "), e.getMessage());
        assertTrue(e.getMessage().contains("maxBodyBytes"), e.getMessage());
    }

    @Test
    void closeClosesTheVerifierTheEndpointBuiltAndNeverOnePassedIn() {
        CallbackVerifier passedIn = CallbackVerifier.builder().build();
        try {
            CallbackEndpoint.of("Adapter", passedIn, new Lines()).withContainerCheck(ContainerCheck.jettyHeaderCache()).close();
            assertFalse(passedIn.keyStatus().closed(), "a verifier passed in is its owner's");
        } finally {
            passedIn.close();
        }

        Map<String, Object> good = Map.of("oss.callback.maxBodyBytes", 16);
        CallbackEndpoint built = CallbackEndpoint.configured("Adapter", "properties", "oss.callback.", good.keySet(),
                good::get, new Lines());
        assertEquals(16, built.verifier().maxBodyBytes());
        CallbackEndpoint checked = built.withContainerCheck(ContainerCheck.jettyHeaderCache());
        assertSame(built.verifier(), checked.verifier());
        assertFalse(built.verifier().keyStatus().closed());
        checked.close();
        assertTrue(built.verifier().keyStatus().closed(), "the endpoint closes the verifier it built");
    }

    @Test
    void theContainerCheckTheAdapterPassedRunsOnceAtTheFirstRequestAndNeverFailsOne() {
        Lines log = new Lines();
        Object container = new Object();
        List<Object> seen = new ArrayList<>();
        CallbackEndpoint endpoint = CallbackEndpoint.of("Adapter", CallbackVerifier.builder().build(), log)
                .withContainerCheck((request, adapter, adapterLog) -> {
                    seen.add(request);
                    adapterLog.log(System.Logger.Level.WARNING, adapter + " looked");
                    throw new IllegalStateException("check broke");
                });
        for (int i = 0; i < 2; i++) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                    () -> endpoint.verify(request("GET", () -> null, null, container)));
            assertEquals(CallbackRejectedException.Reason.METHOD_NOT_ALLOWED, e.reason());
        }
        assertEquals(List.of(container), seen);
        assertEquals("WARNING Adapter looked", log.lines.get(0));
        assertEquals("DEBUG container check skipped: java.lang.IllegalStateException: check broke", log.lines.get(1));
        assertEquals(4, log.lines.size(), log.lines.toString()); // then the two rejections

        Lines unchecked = new Lines();
        CallbackEndpoint plain = CallbackEndpoint.of("Adapter", CallbackVerifier.builder().build(), unchecked);
        assertThrows(CallbackRejectedException.class, () -> plain.verify(request("GET", () -> null, null, container)));
        assertEquals(1, unchecked.lines.size(), "no check passed, none run: " + unchecked.lines);
    }

    @Test
    void containerCheckIgnoresRequestsThatAreNotJettys() {
        assertEquals(JettyHeaderCache.NOT_JETTY, JettyHeaderCache.of(null));
        assertEquals(JettyHeaderCache.NOT_JETTY, JettyHeaderCache.of(new Object()));
    }

    @Test
    void aReplyOssTakesIsAcceptedWithoutALogLine() {
        Lines log = new Lines();
        CallbackEndpoint endpoint = CallbackEndpoint.of("Adapter", CallbackVerifier.builder().build(), log);
        assertTrue(endpoint.checkReply("application/json; charset=UTF-8", "{\"ok\":true}".getBytes()));
        assertTrue(endpoint.checkReply("application/problem+json", "[1]".getBytes()));
        assertEquals(List.of(), log.lines);
    }

    @Test
    void aReplyOssRefusesIsLoggedOnceAsAnErrorSayingWhyWithoutQuotingIt() {
        Lines log = new Lines();
        CallbackEndpoint endpoint = CallbackEndpoint.of("Adapter", CallbackVerifier.builder().build(), log);
        assertFalse(endpoint.checkReply("text/plain", "secret-name.png".getBytes()));
        assertFalse(endpoint.checkReply("application/json", "{\"a\":1} {}".getBytes()));
        assertFalse(endpoint.checkReply("application/json", new byte[0]));
        assertFalse(endpoint.checkReply("application/json", new byte[CallbackReply.MAX_BODY_BYTES + 1]));
        assertEquals(List.of(
                "ERROR Adapter: the application's reply has Content-Type 'text/plain', not application/json, so OSS will"
                        + " answer the uploader 203 CallbackFailed; OSS expects a JSON body of at most "
                        + CallbackReply.MAX_BODY_BYTES + " bytes",
                "ERROR Adapter: the application's reply is not JSON (more than one value), so OSS will answer the"
                        + " uploader 203 CallbackFailed; OSS expects a JSON body of at most "
                        + CallbackReply.MAX_BODY_BYTES + " bytes",
                "ERROR Adapter: the application's reply is empty, so OSS will answer the uploader 203 CallbackFailed;"
                        + " OSS expects a JSON body of at most " + CallbackReply.MAX_BODY_BYTES + " bytes",
                "ERROR Adapter: the application's reply is " + (CallbackReply.MAX_BODY_BYTES + 1) + " bytes, over OSS's"
                        + " limit, so OSS will answer the uploader 203 CallbackFailed; OSS expects a JSON body of at most "
                        + CallbackReply.MAX_BODY_BYTES + " bytes"), log.lines);
    }
}
