package io.github.osscallback.testing;

import com.sun.net.httpserver.HttpExchange;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An application's callback endpoint for the tests, on the JDK HTTP server: every request goes
 * through core's {@link CallbackVerifier}; a verified callback is answered with JSON naming what
 * it read, a rejected one with the library's rejection reply. Other paths answer as a broken
 * application would, so the stand-in's failure relay can be tested.
 */
final class VerifyingCallbackServer implements AutoCloseable {

    /** The path of the verifying endpoint. */
    static final String CALLBACK = "/oss/callback";
    /** Answers 200 with a body that is not JSON. */
    static final String NOT_JSON = "/broken/not-json";
    /** Answers only once {@link #release()} is called. */
    static final String HANGING = "/broken/hanging";
    /** Answers 200 with JSON, chunked: no Content-Length. */
    static final String CHUNKED = "/broken/chunked";
    /** Answers 200 with a JSON body of 1 MiB + 1 byte. */
    static final String TOO_LARGE = "/broken/too-large";
    /** Answers 500 with JSON. */
    static final String SERVER_ERROR = "/broken/500";

    private final LoopbackServer server;
    private final CallbackVerifier verifier;
    private final List<OssCallback> verified = new CopyOnWriteArrayList<>();
    private final List<CallbackRejectedException.Reason> rejected = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    VerifyingCallbackServer(CallbackVerifier verifier) throws IOException {
        this.verifier = verifier;
        this.server = LoopbackServer.bind(0, "callback-endpoint");
        server.serve(this::handle);
    }

    /** An endpoint that trusts the stand-in's key URL only and pins its key, so no key is fetched. */
    static VerifyingCallbackServer pinnedTo(OssStandIn oss) throws IOException {
        return new VerifyingCallbackServer(CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(oss.keyUrl()).build())
                .pinKey(oss.keyUrl(), oss.publicKeyPem())
                .build());
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.port() + pathAndQuery;
    }

    List<OssCallback> verified() {
        return List.copyOf(verified);
    }

    List<CallbackRejectedException.Reason> rejected() {
        return List.copyOf(rejected);
    }

    /** Lets the hanging endpoint answer. */
    void release() {
        release.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals(NOT_JSON)) {
                send(exchange, 200, "OK, stored".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals(CHUNKED)) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write("{}".getBytes(StandardCharsets.UTF_8));
                }
                return;
            }
            if (path.equals(TOO_LARGE)) {
                byte[] large = new byte[1024 * 1024 + 1];
                java.util.Arrays.fill(large, (byte) ' ');
                large[0] = '{';
                large[large.length - 1] = '}';
                send(exchange, 200, large);
                return;
            }
            if (path.equals(SERVER_ERROR)) {
                send(exchange, 500, "{\"error\":true}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (path.equals(HANGING)) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                send(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            CallbackRequest.Builder request = CallbackRequest.builder()
                    .method(exchange.getRequestMethod())
                    .path(path)
                    .query(exchange.getRequestURI().getRawQuery())
                    .body(body);
            exchange.getRequestHeaders().forEach((name, values) -> values.forEach(v -> request.header(name, v)));
            CallbackReply reply;
            try {
                OssCallback callback = verifier.verify(request.build());
                verified.add(callback);
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("status", "OK");
                answer.put("bucket", callback.bucket().orElse(""));
                answer.put("object", callback.object().orElse(""));
                answer.put("size", callback.size().orElse(-1));
                answer.put("uid", callback.customVariables().getOrDefault("x:uid", ""));
                reply = CallbackReply.json(answer);
            } catch (CallbackRejectedException e) {
                rejected.add(e.reason());
                reply = e.toReply();
            }
            send(exchange, reply.status(), reply.body());
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        release();
        server.close();
    }
}
