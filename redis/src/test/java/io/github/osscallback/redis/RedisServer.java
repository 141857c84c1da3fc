package io.github.osscallback.redis;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} process on a free loopback port, with no persistence, in a
 * temporary directory. Tests are skipped when no binary is installed, except on CI ({@code CI=true}),
 * where a missing Redis is a failure: {@code .ci/run} installs it.
 */
final class RedisServer implements AutoCloseable {

    private static final long START_SECONDS = 30;

    private final Path binary;
    private final Path dir;
    private final int port;
    private final List<String> args;
    /** What redis-server prints once it accepts connections. */
    private final String readyLine;
    private final List<String> output = new ArrayList<>();
    private Process process;
    /** The running process's output lines not yet awaited. */
    private BlockingQueue<String> lines;

    private RedisServer(Path binary, Path dir, int port, List<String> args, String readyLine) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
        this.args = args;
        this.readyLine = readyLine;
    }

    /** A standalone server. */
    static RedisServer start() throws Exception {
        return start(List.of());
    }

    /** A server with additional command-line options, e.g. cluster mode. */
    static RedisServer start(List<String> extraArgs) throws Exception {
        Path binary = findBinary();
        Path dir = Files.createTempDirectory("redis-test");
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no"));
        args.addAll(extraArgs);
        RedisServer server = new RedisServer(binary, dir, port, args, "Ready to accept connections");
        server.startProcess();
        return server;
    }

    /** A Sentinel monitoring {@code master} under {@code masterName}, with a quorum of one. */
    static RedisServer startSentinel(RedisServer master, String masterName) throws Exception {
        Path binary = findBinary();
        Path dir = Files.createTempDirectory("redis-sentinel-test");
        Path config = dir.resolve("sentinel.conf");
        // Sentinel rewrites its configuration file, so it must be a file of its own.
        Files.writeString(config, "sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " 1\n");
        int port = freePort();
        RedisServer sentinel = new RedisServer(binary, dir, port, List.of(config.toString(), "--sentinel",
                "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", dir.toString()),
                "+monitor master " + masterName);
        sentinel.startProcess();
        return sentinel;
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    Path dir() {
        return dir;
    }

    /** Stops the server (SIGTERM, as an orderly shutdown or a service manager would), closing every client connection. */
    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(START_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** Starts it again on the same port, as an operator restarting Redis would. */
    void restart() throws Exception {
        stop();
        startProcess();
    }

    @Override
    public void close() throws IOException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    private void startProcess() throws Exception {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(args);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        this.lines = lines;
        Process started = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(started.getInputStream(),
                    StandardCharsets.UTF_8))) {
                in.lines().forEach(lines::add);
            } catch (IOException ignored) {
                // the process ended
            }
        }, "redis-server-output");
        reader.setDaemon(true);
        reader.start();
        // redis-server prints this once it accepts connections; no polling needed.
        awaitOutput(readyLine);
        String pong = command("PING");
        if (!"+PONG".equals(pong)) {
            fail("redis-server answered PING with " + pong);
        }
    }

    /**
     * Waits for the server to print a line containing {@code text}, such as a state change it
     * logs; lines printed before the call count too. The deadline is a safety net.
     */
    void awaitOutput(String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                stop();
                fail("redis-server did not print '" + text + "' within " + START_SECONDS + " s; output:\n"
                        + String.join("\n", output));
            }
            output.add(line);
            if (line.contains(text)) {
                return;
            }
        }
    }

    /** Sends one inline command over a plain socket and returns the reply: a status or error line, or a bulk string's text. */
    String command(String inline) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String first = readLine(in);
            if (!first.startsWith("$") || first.equals("$-1")) {
                return first;
            }
            byte[] bulk = in.readNBytes(Integer.parseInt(first.substring(1)));
            return new String(bulk, StandardCharsets.UTF_8);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\r') {
            line.append((char) c);
        }
        in.read(); // the '\n' after '\r'
        return line.toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path findBinary() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    candidates.add(Path.of(entry, "redis-server"));
                }
            }
        }
        candidates.add(Path.of("/usr/bin/redis-server"));
        candidates.add(Path.of("/usr/local/bin/redis-server"));
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = "no redis-server binary on PATH, /usr/bin or /usr/local/bin "
                + "(install the redis-server package; .ci/run does)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message + "; on CI the Redis tests must run, not be skipped");
        }
        Assumptions.abort(message + "; skipping the Redis tests");
        throw new AssertionError("unreachable");
    }
}
