package io.github.osscallback.benchmarks;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.ReplayStore;
import io.github.osscallback.fixtures.Jetty;
import io.github.osscallback.redis.RedisReplayStore;
import io.github.osscallback.servlet.OssCallbackFilter;
import io.github.osscallback.servlet.OssCallbacks;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Replay protection end to end through embedded Jetty: the filter with the in-memory store
 * ({@code /memory}) against the filter with the Redis store on a local redis-server
 * ({@code /redis}), in the same run, from 16 client threads. Every request is a distinct genuine
 * callback (a replay would be refused), signed by the client as it is sent, on both sides alike.
 * Needs a {@code redis-server} binary; the benchmark starts and stops its own.
 */
@State(Scope.Benchmark)
@Threads(16)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReplayStoreBenchmark {

    private static final Duration WINDOW = Duration.ofMinutes(10);

    private final AtomicLong sequence = new AtomicLong();
    private LoopbackKeyServer keyServer;
    private Process redis;
    private Path redisDir;
    private RedisReplayStore redisStore;
    private Server server;
    private OssCallbackSigner oss;
    private String keyUrl;
    private String base;

    /** The application endpoint: reads the body and answers with JSON, as a callback handler does. */
    static final class Endpoint extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] body = req.getInputStream().readAllBytes();
            OssCallbacks.reply(resp, CallbackReply.json(Map.of("Status", "OK", "bytes", body.length)));
        }
    }

    /** Where redis-server is installed, if it is. */
    static Optional<Path> redisServerBinary() {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin" + File.pathSeparator
                + "/usr/local/bin";
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "redis-server"))) {
                return Optional.of(Path.of(entry, "redis-server"));
            }
        }
        return Optional.empty();
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        oss = OssCallbackSigner.generate(512);
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", oss.publicKeyPem());
        keyUrl = keyServer.url("/oss/key.pem");
        int redisPort = startRedis();
        redisStore = RedisReplayStore.builder().uri("redis://127.0.0.1:" + redisPort).build();

        server = new Server();
        ServerConnector connector = Jetty.addConnector(server, "127.0.0.1", 0);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new OssCallbackFilter(verifier(ReplayStore.inMemory(1_000_000)))),
                "/memory/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Endpoint()), "/memory/*");
        context.addFilter(new FilterHolder(new OssCallbackFilter(verifier(redisStore))), "/redis/*",
                EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Endpoint()), "/redis/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();

        HttpClient http = EndToEndBenchmark.newClient();
        for (String path : new String[] {"/memory/cb", "/redis/cb"}) {
            HttpRequest first = nextCallback(path);
            check(http.send(first, HttpResponse.BodyHandlers.ofString()));
            int replay = http.send(first, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (replay != 409) {
                throw new IllegalStateException(path + " answered a replay with " + replay + ", expected 409");
            }
        }
    }

    private CallbackVerifier verifier(ReplayStore store) throws Exception {
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .replayProtection(WINDOW, store)
                .build();
        verifier.prefetchKey(keyUrl);
        return verifier;
    }

    private int startRedis() throws Exception {
        Path binary = redisServerBinary().orElseThrow(() -> new IllegalStateException(
                "no redis-server binary on PATH, /usr/bin or /usr/local/bin (install the redis-server package)"));
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        redisDir = Files.createTempDirectory("redis-bench");
        redis = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", redisDir.toString(), "--save", "", "--appendonly", "no").redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(redis.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = lines.readLine()) != null && !line.contains("Ready to accept connections")) {
            // redis-server prints that line once it accepts connections
        }
        if (line == null) {
            throw new IllegalStateException("redis-server ended before accepting connections");
        }
        Thread drain = new Thread(() -> {
            try {
                while (lines.readLine() != null) {
                    // keep the pipe from filling
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "redis-output");
        drain.setDaemon(true);
        drain.start();
        return port;
    }

    private HttpRequest nextCallback(String path) {
        byte[] body = ("bucket=bench-bucket&object=uploads%2Fphoto-" + sequence.incrementAndGet()
                + ".jpg&size=123456&mimeType=image%2Fjpeg").getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        oss.headers(keyUrl, path, null, Bodies.FORM, body).forEach(request::header);
        return request.build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        server.stop();
        redisStore.close();
        keyServer.close();
        redis.destroy();
        redis.waitFor(30, TimeUnit.SECONDS);
        try (Stream<Path> files = Files.walk(redisDir)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }

    /** Each client thread has its own HTTP client, so its connection is never idle in a shared pool. */
    @State(Scope.Thread)
    public static class Client {
        final HttpClient http = EndToEndBenchmark.newClient();
    }

    @Benchmark
    public int inMemoryStore(Client client) throws Exception {
        return check(client.http.send(nextCallback("/memory/cb"), HttpResponse.BodyHandlers.ofString()));
    }

    @Benchmark
    public int redisStore(Client client) throws Exception {
        return check(client.http.send(nextCallback("/redis/cb"), HttpResponse.BodyHandlers.ofString()));
    }

    private static int check(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("answered " + response.statusCode() + ": " + response.body());
        }
        return response.statusCode();
    }
}
