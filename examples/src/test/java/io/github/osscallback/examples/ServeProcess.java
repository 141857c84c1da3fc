package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** {@code serve} (or another command of {@link Main}) as a separate JVM, its output read line by line. */
final class ServeProcess implements AutoCloseable {

    final Process process;
    /** The lines printed up to and including "listening on ...". */
    final List<String> startLines = new ArrayList<>();
    private final BlockingQueue<String> output = new LinkedBlockingQueue<>();
    private int port;

    private ServeProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                lines.lines().forEach(output::add);
            } catch (Exception ignored) {
                // the process ended
            }
        }, "serve-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** {@code java -cp <test class path> Main args...}, standard error merged into standard output. */
    static ProcessBuilder main(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /**
     * Starts {@code serve --port <free> --bind 127.0.0.1 --key-fetch-timeout 60000 options...} and waits
     * for "listening on". The generous key fetch timeout keeps a loaded machine (a cold JVM fetching from a
     * loopback host) from failing what should succeed; no test of serve is about that time.
     */
    static ServeProcess start(String... options) throws Exception {
        return start(command -> { }, options);
    }

    /** As above, after {@code configure} has seen the command (to set its environment, say). */
    static ServeProcess start(Consumer<ProcessBuilder> configure, String... options) throws Exception {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("serve", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--key-fetch-timeout", "60000"));
        args.addAll(List.of(options));
        ProcessBuilder command = main(args.toArray(String[]::new)).redirectErrorStream(true);
        configure.accept(command);
        ServeProcess serve = new ServeProcess(command.start());
        serve.port = port;
        String line;
        do {
            line = serve.output.poll(60, TimeUnit.SECONDS);
            assertTrue(line != null, "serve did not start in time: " + serve.startLines);
            serve.startLines.add(line);
        } while (!line.startsWith("listening on "));
        return serve;
    }

    /** {@code http://127.0.0.1:<port>}. */
    String base() {
        return "http://127.0.0.1:" + port;
    }

    /** The next line of output, failing the test if none comes within a generous bound. */
    String nextLine() throws InterruptedException {
        String line = output.poll(10, TimeUnit.SECONDS);
        assertTrue(line != null, "no log line");
        return line;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
