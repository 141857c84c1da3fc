package io.github.osscallback.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for OSS's key host on 127.0.0.1, for tests: serves PEM keys by path, can be told to
 * answer slowly, with another status, or with garbage, and records every path requested so tests
 * can prove that an untrusted URL was never fetched. Loading the class sets the JVM-wide
 * {@code sun.net.httpserver.nodelay} to {@code true} unless it is set already.
 */
public final class LoopbackKeyServer implements AutoCloseable {

    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle and delayed
        // ACKs add ~40 ms to every fetch on loopback, which no real key host does.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private LoopbackKeyServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
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
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "loopback-key-server");
            t.setDaemon(true);
            return t;
        });
        LoopbackKeyServer keyServer = new LoopbackKeyServer(server, executor);
        server.createContext("/", keyServer::handle);
        server.setExecutor(executor);
        server.start();
        return keyServer;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:40123}, without a trailing slash. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The URL of a path on this server; the path starts with {@code /}. */
    public String url(String path) {
        return baseUrl() + path;
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
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
        server.stop(0);
        executor.shutdownNow();
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
