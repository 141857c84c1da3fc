package io.github.osscallback.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A callback server on loopback, as an application would run one: verifies with the library
 * (trusting a loopback key URL prefix) and answers JSON. Paths under {@code /bad/} answer the ways
 * OSS fails a callback for.
 */
final class LocalCallbackServer implements AutoCloseable {

    final HttpServer server;
    final CallbackVerifier verifier;
    final List<String> accepted = new CopyOnWriteArrayList<>();

    LocalCallbackServer(int keyPort) throws IOException {
        verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("http://127.0.0.1:" + keyPort + "/").build())
                .replayProtection(Duration.ofMinutes(10))
                .build();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getRawPath();
            if (path.equals("/bad/text")) {
                answer(exchange, 200, "text/plain", "OK".getBytes(StandardCharsets.UTF_8), false);
                return;
            }
            if (path.equals("/bad/chunked")) {
                answer(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), true);
                return;
            }
            CallbackRequest.Builder request = CallbackRequest.builder()
                    .method(exchange.getRequestMethod())
                    .path(path)
                    .query(exchange.getRequestURI().getRawQuery())
                    .body(body);
            exchange.getRequestHeaders().forEach((name, values) -> values.forEach(v -> request.header(name, v)));
            try {
                OssCallback callback = verifier.verify(request.build());
                accepted.add(new String(callback.body(), StandardCharsets.UTF_8));
                answer(exchange, 200, "application/json",
                        ("{\"status\":\"OK\",\"fields\":" + callback.fields().size() + "}").getBytes(StandardCharsets.UTF_8),
                        false);
            } catch (CallbackRejectedException e) {
                answer(exchange, e.reason().httpStatus(), "application/json",
                        ("{\"status\":\"REJECTED\",\"reason\":\"" + e.reason().code() + "\"}").getBytes(StandardCharsets.UTF_8),
                        false);
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String type, byte[] body, boolean chunked)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, chunked ? 0 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        verifier.close();
    }
}
