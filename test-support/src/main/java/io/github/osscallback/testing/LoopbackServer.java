package io.github.osscallback.testing;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK HTTP server on 127.0.0.1 with daemon threads, as the stand-in and the key server run it:
 * bound first, so the port is known before the handler that needs it is built, then served.
 */
final class LoopbackServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    private LoopbackServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Sets the JVM-wide {@code sun.net.httpserver.nodelay} to {@code true} unless it is set already:
     * the JDK server writes headers and body separately, and without TCP_NODELAY Nagle and delayed
     * ACKs add ~40 ms to every answer on loopback, which no real server does.
     */
    static void preferNoDelay() {
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /**
     * Binds a loopback port (0 for a free one) without answering yet.
     *
     * @throws java.net.BindException if the port is taken
     */
    static LoopbackServer bind(int port, String threadName) throws IOException {
        preferNoDelay();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        return new LoopbackServer(server, executor);
    }

    /** Starts answering every path with this handler. */
    void serve(HttpHandler handler) {
        server.createContext("/", handler);
        server.setExecutor(executor);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
