package io.github.osscallback.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for OSS's key host on 127.0.0.1, for tests: serves PEM keys by path, can be told to
 * answer slowly, with another status, or with garbage, and records every path requested so tests
 * can prove that an untrusted URL was never fetched. Loading the class sets the JVM-wide
 * {@code sun.net.httpserver.nodelay} to {@code true} unless it is set already.
 */
public final class LoopbackKeyServer implements AutoCloseable {

    static {
        LoopbackServer.preferNoDelay();
    }

    private final LoopbackServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private LoopbackKeyServer(LoopbackServer server) {
        this.server = server;
    }

    /** Starts a server on a free loopback port. */
    public static LoopbackKeyServer start() throws IOException {
        return start(0);
    }

    /**
     * Starts a server on the given loopback port, e.g. one a test configuration names in advance;
     * 0 picks a free port.
     *
     * @throws java.net.BindException if the port is taken
     */
    public static LoopbackKeyServer start(int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        LoopbackServer server = LoopbackServer.bind(port, "loopback-key-server");
        LoopbackKeyServer keyServer = new LoopbackKeyServer(server);
        server.serve(keyServer::handle);
        return keyServer;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The URL of a path on this server; the path starts with {@code /}. */
    public String url(String path) {
        return baseUrl() + path;
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    /** Serves a PEM key at a path with status 200. */
    public LoopbackKeyServer serve(String path, String pem) {
        return answer(path, 200, pem, Duration.ZERO, Map.of());
    }

    /** Answers a path with any status, body, delay before answering, and extra headers. */
    public LoopbackKeyServer answer(String path, int status, String body, Duration delay, Map<String, String> headers) {
        answers.put(path, new Answer(status, body.getBytes(StandardCharsets.UTF_8), delay, Map.copyOf(headers)));
        return this;
    }

    /** Stops answering a path (it then gets 404). */
    public LoopbackKeyServer remove(String path) {
        answers.remove(path);
        return this;
    }

    /** Every path requested so far, in order. */
    public List<String> requests() {
        return new ArrayList<>(requests);
    }

    /** How many times a path was requested. */
    public long requestCount(String path) {
        return requests.stream().filter(path::equals).count();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            requests.add(path);
            Answer answer = answers.getOrDefault(path, new Answer(404, "not found".getBytes(StandardCharsets.UTF_8),
                    Duration.ZERO, Map.of()));
            if (!answer.delay.isZero()) {
                try {
                    Thread.sleep(answer.delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            answer.headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().set("Content-Type", "application/x-pem-file");
            exchange.sendResponseHeaders(answer.status, answer.body.length == 0 ? -1 : answer.body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body);
            }
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        server.close();
    }

    private static final class Answer {
        final int status;
        final byte[] body;
        final Duration delay;
        final Map<String, String> headers;

        Answer(int status, byte[] body, Duration delay, Map<String, String> headers) {
            this.status = status;
            this.body = body;
            this.delay = delay;
            this.headers = headers;
        }
    }
}
