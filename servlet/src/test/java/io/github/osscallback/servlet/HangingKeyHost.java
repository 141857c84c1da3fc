package io.github.osscallback.servlet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A key host on 127.0.0.1 that accepts connections, reads the requests and never answers: the
 * worst a trusted key host can do. It counts what reaches it, so a test can bound the fetches.
 */
final class HangingKeyHost implements AutoCloseable {

    private final ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch connected;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** @param awaitedConnections how many connections {@link #awaitConnections} waits for */
    HangingKeyHost(int awaitedConnections) throws IOException {
        this.server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        this.connected = new CountDownLatch(awaitedConnections);
        Thread acceptor = new Thread(this::acceptForever, "hanging-key-host");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    int requests() {
        return requests.get();
    }

    /** Waits until the awaited number of connections arrived; false on the safety timeout. */
    boolean awaitConnections(long seconds) throws InterruptedException {
        return connected.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                connections.incrementAndGet();
                connected.countDown();
                Thread reader = new Thread(() -> readRequests(socket), "hanging-key-host-reader");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void readRequests(Socket socket) {
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            boolean atStart = true;
            String line;
            while ((line = in.readLine()) != null) {
                if (atStart && line.startsWith("GET ")) {
                    requests.incrementAndGet();
                }
                atStart = line.isEmpty();
            }
        } catch (IOException e) {
            // closed by close()
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
