package io.github.osscallback.benchmarks;

import io.github.osscallback.fixtures.RedisServer;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * End to end by the server's CPU time per request, a measure that holds on a shared machine where
 * throughput does not. The server runs in a process of its own ({@link CpuServer}); this process
 * sends it a fixed number of genuine signed callbacks over a fixed number of keep-alive loopback
 * connections (a small raw HTTP/1.1 client, so that the load generator takes little of the
 * machine) and reads the server process's CPU time (user + system, all its threads: request
 * threads, GC, JIT) from the OS before and after each batch. The client's own CPU never counts.
 *
 * <p>Each round sends one batch to every variant, in an order that rotates from round to round, so
 * a change in the machine's load falls on all of them alike; the ratios are taken within a round,
 * and the report gives their median with the spread (lowest to highest) over the rounds.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.github.osscallback.benchmarks.ServerCpuPerRequest \
 *     [--stacks jetty,tomcat,webflux,quarkus,jetty-replay] [--requests 10000] [--connections 8] [--warmup 4] [--rounds 7] [--shape form-200]
 *     [--variants filter,framed,buffered,plain] [--server-jvm "-XX:StartFlightRecording=filename=server.jfr"]
 *     [--quarkus-app benchmarks-quarkus/target/quarkus-app/quarkus-run.jar]
 *
 * --stacks quarkus: the packaged Quarkus REST application of the benchmarks-quarkus module (built
 *     apart, see docs/benchmarks.md), started with java -jar
 *
 * --stacks jetty-replay: the filter with replay protection in memory against Redis (a redis-server
 *     it starts), each request a distinct callback; variants memory, redis (the library's store) and
 *     floor (a bare Lettuce SET NX PX as the store)
 * </pre>
 */
public final class ServerCpuPerRequest {

    private static final List<String> VARIANTS = List.of("filter", "framed", "buffered", "plain");
    private static final List<String> REPLAY_VARIANTS = List.of("memory", "redis", "floor");

    private ServerCpuPerRequest() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("stacks", "jetty,tomcat,webflux", "requests", "10000",
                "connections", "8", "warmup", "4", "rounds", "7", "shape", "form-200"));
        options.put("variants", String.join(",", VARIANTS));
        options.put("server-jvm", "");
        options.put("quarkus-app", "benchmarks-quarkus/target/quarkus-app/quarkus-run.jar");
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].replaceFirst("^--", "");
            if (!options.containsKey(name) || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: " + options.keySet().stream().map(o -> "--" + o + " VALUE")
                        .reduce((a, b) -> a + " " + b).orElse(""));
            }
            options.put(name, args[i + 1]);
        }
        int requests = Integer.parseInt(options.get("requests"));
        int connections = Integer.parseInt(options.get("connections"));
        int warmup = Integer.parseInt(options.get("warmup"));
        int rounds = Integer.parseInt(options.get("rounds"));
        String shape = options.get("shape");
        System.out.printf("machine: %d cores, %s %s, %s %s; %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.name"),
                System.getProperty("os.arch"), options);

        OssCallbackSigner oss = OssCallbackSigner.generate(512);
        StringBuilder report = new StringBuilder("\n== server CPU per request ==\n");
        try (LoopbackKeyServer keyServer = LoopbackKeyServer.start()) {
            keyServer.serve("/oss/key.pem", oss.publicKeyPem());
            String keyUrl = keyServer.url("/oss/key.pem");
            for (String stack : options.get("stacks").split(",")) {
                report.append(runStack(stack, keyServer.baseUrl() + "/oss/", keyUrl, oss, shape, requests, connections,
                        warmup, rounds, List.of(options.get("variants").split(",")), options.get("server-jvm"),
                        options.get("quarkus-app")));
            }
        }
        System.out.println(report);
    }

    private static String runStack(String stack, String trustedPrefix, String keyUrl, OssCallbackSigner oss, String shape,
                                   int requests, int connections, int warmup, int rounds, List<String> variants,
                                   String serverJvm, String quarkusApp) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xms512m", "-Xmx512m"));
        if (!serverJvm.isBlank()) {
            command.addAll(List.of(serverJvm.trim().split("\\s+"))); // such as a flight recording, to see where the time goes
        }
        if (stack.equals("quarkus")) {
            // A packaged Quarkus application, which the benchmarks jar cannot hold: CpuServer's protocol, its own JVM.
            Path app = Path.of(quarkusApp);
            if (!Files.isRegularFile(app)) {
                throw new IllegalStateException(app + " is missing: build it with"
                        + " mvn -B -P quarkus-bench -pl benchmarks-quarkus -am package -DskipTests (docs/benchmarks.md)");
            }
            command.addAll(List.of("-Dbenchmark.key-url-prefix=" + trustedPrefix, "-Dbenchmark.key-url=" + keyUrl,
                    "-jar", app.toString()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), CpuServer.class.getName(), stack,
                    trustedPrefix, keyUrl));
        }
        boolean replay = stack.equals("jetty-replay");
        RedisServer redis = replay ? RedisServer.start() : null;
        if (replay) {
            command.add(redis.uri());
            // Unless --variants names some: the in-memory store, the library's Redis store, and the floor,
            // a bare Lettuce SET NX PX round trip as the store (the least any Redis store can cost).
            variants = variants.equals(VARIANTS) ? REPLAY_VARIANTS : variants;
        }
        Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            while (line != null && !line.startsWith("port ")) {
                line = out.readLine(); // what the server's JVM printed first, such as a flight recording's start
            }
            if (line == null) {
                throw new IllegalStateException(stack + " server did not start: " + line);
            }
            int port = Integer.parseInt(line.substring(5).trim());
            Map<String, byte[]> wire = new LinkedHashMap<>();
            byte[] body = Bodies.of(shape);
            for (String variant : variants) {
                wire.put(variant, request(port, "/" + variant + "/cb", oss, keyUrl, Bodies.contentType(shape), body));
                try (Connection c = new Connection(port)) {
                    c.exchange(wire.get(variant)); // fails at once if the setup is wrong
                }
            }
            // With replay protection each request is a distinct callback, signed before its batch.
            int[] sequence = {0};
            java.util.function.BiFunction<String, Integer, byte[][]> distinct = (variant, count) -> {
                byte[][] all = new byte[count][];
                for (int i = 0; i < count; i++) {
                    byte[] unique = ("bucket=bench-bucket&object=uploads%2Fphoto-" + sequence[0]++
                            + ".jpg&size=123456&mimeType=image%2Fjpeg").getBytes(StandardCharsets.US_ASCII);
                    try {
                        all[i] = request(port, "/" + variant + "/cb", oss, keyUrl, Bodies.FORM, unique);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return all;
            };
            // The redis-server this process started, its only child besides the server (whose executable
            // may be named otherwise: Debian's redis-server is a link to redis-check-rdb), counted apart.
            ProcessHandle redisProcess = replay ? ProcessHandle.current().children()
                    .filter(p -> p.pid() != server.pid())
                    .findFirst().orElseThrow(() -> new IllegalStateException("no redis-server child process")) : null;
            System.out.printf("%s server pid %d%s%n", stack, server.pid(),
                    redisProcess == null ? "" : ", redis-server pid " + redisProcess.pid()); // for perf stat or strace -p
            Map<String, List<Batch>> results = new LinkedHashMap<>();
            variants.forEach(v -> results.put(v, new ArrayList<>()));
            double[] load = {Double.MAX_VALUE, 0};
            for (int round = 0; round < warmup + rounds; round++) {
                for (int k = 0; k < variants.size(); k++) {
                    String variant = variants.get((k + round) % variants.size());
                    double before = loadAverage();
                    byte[][] sends = replay ? distinct.apply(variant, requests) : new byte[][] {wire.get(variant)};
                    long redis0 = redisProcess == null ? 0 : cpuNanos(redisProcess);
                    Batch batch = batch(server.toHandle(), sends, port, requests, connections);
                    if (redisProcess != null) {
                        batch.redisNanos = cpuNanos(redisProcess) - redis0;
                    }
                    double after = loadAverage();
                    if (round >= warmup) {
                        results.get(variant).add(batch);
                        load[0] = Math.min(load[0], Math.min(before, after));
                        load[1] = Math.max(load[1], Math.max(before, after));
                    }
                    System.out.printf("%s round %d %-8s %8.1f us CPU/request %8.0f requests/s (load %.1f)%s%n", stack,
                            round - warmup, variant, batch.cpuMicrosPerRequest(requests), batch.perSecond(requests), after,
                            redisProcess == null ? "" : String.format(Locale.ROOT, "; redis-server %.1f us CPU/request",
                                    batch.redisNanos / 1000.0 / requests));
                }
            }
            return summary(stack, results, requests, connections, replay ? "distinct ~100 B form" : shape, load);
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            if (redis != null) {
                redis.close();
            }
        }
    }

    private static String summary(String stack, Map<String, List<Batch>> results, int requests, int connections,
                                  String shape, double[] load) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "%n%s, %s body, %d requests per batch over %d connections, %d rounds (load average %.1f to %.1f)%n",
                stack, shape, requests, connections, results.values().iterator().next().size(), load[0], load[1]));
        s.append(String.format(Locale.ROOT, "%-9s %26s %30s%n", "variant", "CPU us/request [spread]",
                "requests/s [spread]"));
        for (Map.Entry<String, List<Batch>> e : results.entrySet()) {
            double[] cpu = e.getValue().stream().mapToDouble(b -> b.cpuMicrosPerRequest(requests)).toArray();
            double[] rate = e.getValue().stream().mapToDouble(b -> b.perSecond(requests)).toArray();
            s.append(String.format(Locale.ROOT, "%-9s %8.1f [%6.1f - %6.1f] %10.0f [%7.0f - %7.0f]%n", e.getKey(),
                    median(cpu), min(cpu), max(cpu), median(rate), min(rate), max(rate)));
        }
        for (String store : List.of("redis", "floor")) {
            if (results.containsKey(store) && results.containsKey("memory")) {
                s.append(ratio("CPU " + store + " / memory (server JVM)", results, store, "memory", requests, true));
                s.append(ratio("requests/s " + store + " / memory", results, store, "memory", requests, false));
            }
        }
        if (results.containsKey("redis") && results.containsKey("floor")) {
            s.append(ratio("CPU redis / floor (server JVM)", results, "redis", "floor", requests, true));
            s.append(ratio("requests/s redis / floor", results, "redis", "floor", requests, false));
        }
        for (String store : List.of("redis", "floor")) {
            if (results.containsKey(store)) {
                double[] redisCpu = results.get(store).stream().mapToDouble(b -> b.redisNanos / 1000.0 / requests).toArray();
                s.append(String.format(Locale.ROOT, "%-48s %6.1f  [%5.1f - %5.1f]%n", "redis-server's own CPU us/request, " + store,
                        median(redisCpu), min(redisCpu), max(redisCpu)));
            }
        }
        if (!results.keySet().containsAll(VARIANTS)) {
            return s.toString(); // the other ratios need every variant
        }
        s.append(ratio("CPU filter / buffered", results, "filter", "buffered", requests, true));
        s.append(ratio("CPU framed / buffered (reply framing)", results, "framed", "buffered", requests, true));
        s.append(ratio("CPU filter / framed (verification)", results, "filter", "framed", requests, true));
        s.append(ratio("CPU filter / plain", results, "filter", "plain", requests, true));
        s.append(ratio("requests/s filter / buffered", results, "filter", "buffered", requests, false));
        s.append(ratio("requests/s filter / plain", results, "filter", "plain", requests, false));
        s.append(extra("CPU us/request, framing (framed - buffered)", results, "framed", "buffered", requests));
        s.append(extra("CPU us/request, verification (filter - framed)", results, "filter", "framed", requests));
        return s.toString();
    }

    /** The ratio of two variants within each round: median [lowest - highest]. */
    private static String ratio(String label, Map<String, List<Batch>> results, String a, String b, int requests,
                                boolean cpu) {
        double[] r = new double[results.get(a).size()];
        for (int i = 0; i < r.length; i++) {
            Batch x = results.get(a).get(i);
            Batch y = results.get(b).get(i);
            r[i] = cpu ? x.cpuNanos / (double) y.cpuNanos : x.perSecond(requests) / y.perSecond(requests);
        }
        return String.format(Locale.ROOT, "%-48s %6.2fx [%5.2f - %5.2f]%n", label, median(r), min(r), max(r));
    }

    private static String extra(String label, Map<String, List<Batch>> results, String a, String b, int requests) {
        double[] d = new double[results.get(a).size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = results.get(a).get(i).cpuMicrosPerRequest(requests) - results.get(b).get(i).cpuMicrosPerRequest(requests);
        }
        return String.format(Locale.ROOT, "%-48s %6.1f  [%5.1f - %5.1f]%n", label, median(d), min(d), max(d));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** One batch: the server's CPU time and the wall time it took. */
    private static final class Batch {
        final long cpuNanos;
        final long wallNanos;
        /** With replay protection on Redis: the redis-server process's CPU time in the batch. */
        long redisNanos;

        Batch(long cpuNanos, long wallNanos) {
            this.cpuNanos = cpuNanos;
            this.wallNanos = wallNanos;
        }

        double cpuMicrosPerRequest(int requests) {
            return cpuNanos / 1000.0 / requests;
        }

        double perSecond(int requests) {
            return requests * 1e9 / wallNanos;
        }
    }

    /**
     * Sends {@code requests} requests over {@code connections} connections opened beforehand: the
     * n-th of {@code sends}, or copies of its only one.
     */
    private static Batch batch(ProcessHandle server, byte[][] sends, int port, int requests, int connections)
            throws Exception {
        List<Connection> open = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            open.add(new Connection(port));
        }
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Connection c = open.get(i);
            int first = i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int n = first; n < requests; n += connections) {
                        c.exchange(sends[sends.length == 1 ? 0 : n]);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "client-" + i);
            t.start();
            threads.add(t);
        }
        long cpu0 = cpuNanos(server);
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long t1 = System.nanoTime();
        long cpu1 = cpuNanos(server);
        for (Connection c : open) {
            c.close();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a request failed", failure.get());
        }
        return new Batch(cpu1 - cpu0, t1 - t0);
    }

    /** The process's user and system CPU time, all threads, as the OS counts it (in clock ticks, 10 ms on Linux). */
    private static long cpuNanos(ProcessHandle process) {
        Duration cpu = process.info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("the OS does not tell this process's CPU time"));
        return cpu.toNanos();
    }

    private static byte[] request(int port, String path, OssCallbackSigner oss, String keyUrl, String contentType,
                                  byte[] body) throws IOException {
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length).append("\r\n");
        oss.headers(keyUrl, path, null, contentType, body).forEach((name, value) -> {
            if (!name.equalsIgnoreCase("Content-Type")) {
                head.append(name).append(": ").append(value).append("\r\n");
            }
        });
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        return out.toByteArray();
    }

    /** One keep-alive HTTP/1.1 connection: writes a request, reads the whole response, requires 200. */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(30_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 8192);
        }

        void exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String status = line();
            if (!status.startsWith("HTTP/1.1 200")) {
                throw new IOException("answered " + status);
            }
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                int colon = header.indexOf(':');
                String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = header.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                        size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                throw new IOException("a response without framing");
            }
        }

        private void skip(long n) throws IOException {
            long left = n;
            while (left > 0) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed mid-body");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }

        private String line() throws IOException {
            StringBuilder s = new StringBuilder(64);
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("connection closed");
                }
                if (b != '\r') {
                    s.append((char) b);
                }
            }
            return s.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
