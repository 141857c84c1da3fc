package io.github.osscallback.benchmarks;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark and prints each figure as a ratio between measurements of the same run,
 * with the machine they came from. {@code --quick} shortens warm-up and measurement;
 * {@code --colliding-names} runs and reports only {@link CollidingNamesBenchmark}.
 * Any other arguments are handed to JMH's own command line instead (e.g. {@code VerifyBenchmark -prof gc}).
 */
public final class BenchmarkReport {

    private BenchmarkReport() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        boolean collidingOnly = List.of(args).contains("--colliding-names");
        if (args.length > (quick ? 1 : 0) + (collidingOnly ? 1 : 0)) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        int iterations = quick ? 3 : 5;
        TimeValue time = TimeValue.seconds(quick ? 1 : 2);

        System.out.printf("machine: %d cores, %s %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"));
        if (collidingOnly) {
            Collection<RunResult> colliding = run(base(iterations, time).include(CollidingNamesBenchmark.class.getName()));
            System.out.println(new StringBuilder("\n== oss-callback benchmark report ==\n").append(collidingNames(colliding)));
            return;
        }

        Collection<RunResult> verify = run(base(iterations, time).include(VerifyBenchmark.class.getName())
                .addProfiler(GCProfiler.class));
        Collection<RunResult> colliding = run(base(iterations, time).include(CollidingNamesBenchmark.class.getName()));
        Collection<RunResult> keys = run(base(iterations, time).include(KeyFetchBenchmark.class.getName()));
        // Jetty and the HTTP client take some 20 s to reach a steady state on two cores.
        int e2eWarmup = quick ? 8 : 15;
        Collection<RunResult> confirm = run(base(iterations, time).warmupIterations(e2eWarmup)
                .include(ConfirmWithOssBenchmark.class.getName()));
        Collection<RunResult> endToEnd = new java.util.ArrayList<>(run(base(iterations, time).warmupIterations(e2eWarmup)
                .include(EndToEndBenchmark.class.getName()).mode(Mode.Throughput).timeUnit(TimeUnit.SECONDS)));
        endToEnd.addAll(run(base(iterations, time).warmupIterations(e2eWarmup).include(EndToEndBenchmark.class.getName())
                .mode(Mode.SampleTime).timeUnit(TimeUnit.MICROSECONDS)));

        // Needs a local redis-server; without one the report says so instead of failing.
        Collection<RunResult> replay = ReplayStoreBenchmark.redisServerBinary().isPresent()
                ? run(base(iterations, time).warmupIterations(e2eWarmup).include(ReplayStoreBenchmark.class.getName())
                        .mode(Mode.Throughput).timeUnit(TimeUnit.SECONDS))
                : null;

        StringBuilder report = new StringBuilder("\n== oss-callback benchmark report ==\n");
        report.append("\nHot path: library verify vs bare JDK Signature.verify of the same bytes (512-bit key, cached)\n");
        report.append(String.format("%-10s %12s %12s %8s %10s %14s %14s %18s%n", "body", "library us", "bare JDK us", "ratio",
                "CPU ratio", "lib B/op", "bare B/op", "+ read all fields"));
        for (String shape : List.of("form-200", "form-1k", "form-64k", "json-1k", "json-64k")) {
            RunResult lib = find(verify, "library", shape);
            RunResult bare = find(verify, "bareJdkSignature", shape);
            RunResult reading = find(verify, "libraryReadingEveryField", shape);
            RunResult byCpu = find(verify, "libraryAndBareByCpu", shape);
            report.append(String.format("%-10s %12.2f %12.2f %7.2fx %9.2fx %14.0f %14.0f %17.2fx%n", shape, score(lib),
                    score(bare), score(lib) / score(bare), secondary(byCpu, "libraryNanos") / secondary(byCpu, "bareNanos"),
                    alloc(lib), alloc(bare), score(reading) / score(bare)));
        }
        report.append("(CPU ratio: the same two by thread CPU time, interleaved, which holds on a shared machine; last column:"
                + " verify, then read every field's value, against the same bare verify)\n");
        report.append(collidingNames(colliding));
        double cached = score(find(keys, "libraryCached", null));
        double first = score(find(keys, "libraryFirstRequest", null));
        double hundred = score(find(keys, "libraryHundredConcurrentFirstRequests", null));
        double handWritten = score(find(keys, "handWritten", null));
        report.append("\nKey fetching on a loopback key server\n");
        report.append(String.format("first request for a key URL:           %10.1f us (%.0fx a cached verify)%n", first, first / cached));
        report.append(String.format("100 concurrent first requests (1 fetch): %9.1f us in all%n", hundred));
        report.append(String.format("hand-written, key fetched every time:   %10.1f us%n", handWritten));
        report.append(String.format("library, key cached:                    %10.1f us%n", cached));
        report.append(String.format("speed-up over the hand-written way:      %9.1fx%n", handWritten / cached));

        double withoutCheck = score(find(confirm, "withoutCheck", null));
        double withCheck = score(find(confirm, "withCheck", null));
        report.append("\nConfirming with OSS: one signed HeadObject to the OSS stand-in on loopback, one thread\n");
        report.append(String.format("verify without the check:  %10.1f us%n", withoutCheck));
        report.append(String.format("verify with the check:     %10.1f us%n", withCheck));
        report.append(String.format("added per callback:        %10.1f us (%.1fx)%n", withCheck - withoutCheck,
                withCheck / withoutCheck));

        double withFilter = score(find(endToEnd, "withFilter", null, Mode.Throughput));
        double withoutFilter = score(find(endToEnd, "withoutFilter", null, Mode.Throughput));
        double buffering = score(find(endToEnd, "bufferingFilterOnly", null, Mode.Throughput));
        double p99With = percentile(find(endToEnd, "withFilter", null, Mode.SampleTime), 99);
        double p99Without = percentile(find(endToEnd, "withoutFilter", null, Mode.SampleTime), 99);
        double p99Buffering = percentile(find(endToEnd, "bufferingFilterOnly", null, Mode.SampleTime), 99);
        report.append("\nEnd to end through embedded Jetty, 16 client threads on loopback\n");
        report.append(String.format("with filter:    %10.0f requests/s, p99 %8.0f us%n", withFilter, p99With));
        report.append(String.format("without filter: %10.0f requests/s, p99 %8.0f us%n", withoutFilter, p99Without));
        report.append(String.format("buffering only: %10.0f requests/s, p99 %8.0f us  (a filter that only buffers the body)%n",
                buffering, p99Buffering));
        report.append(String.format("throughput ratio with/without: %.2fx; p99 ratio: %.2fx%n",
                withFilter / withoutFilter, p99With / p99Without));
        report.append(String.format("throughput ratio with/buffering only: %.2fx (the cost of verification itself)%n",
                withFilter / buffering));
        report.append("\nReplay protection through embedded Jetty, 16 client threads, a distinct callback per request\n");
        if (replay == null) {
            report.append("skipped: no redis-server binary installed\n");
        } else {
            double inMemory = score(find(replay, "inMemoryStore", null));
            double redis = score(find(replay, "redisStore", null));
            report.append(String.format("in-memory store:        %10.0f requests/s%n", inMemory));
            report.append(String.format("Redis store (loopback): %10.0f requests/s%n", redis));
            report.append(String.format("throughput ratio Redis/in-memory: %.2fx%n", redis / inMemory));
        }
        System.out.println(report);
    }

    /** Each 64 KiB body shape with colliding names against the same shape with distinct ones, by CPU time. */
    private static String collidingNames(Collection<RunResult> results) {
        StringBuilder section = new StringBuilder("\n64 KiB bodies whose field names share one String.hashCode vs distinct names\n");
        section.append(String.format("%-13s %14s %15s %8s%n", "body", "distinct us", "colliding us", "ratio"));
        for (String body : List.of("form", "json", "json-jackson", "json-null", "json-refused")) {
            RunResult r = find(results, "verifyBoth", body);
            double pairs = secondary(r, "pairs");
            double distinct = secondary(r, "distinctNanos") / pairs / 1000;
            double colliding = secondary(r, "collidingNanos") / pairs / 1000;
            section.append(String.format("%-13s %14.1f %15.1f %7.2fx%n", body, distinct, colliding, colliding / distinct));
        }
        section.append("(thread CPU time per verify, the two kinds interleaved; json: plain values, read without a parser; "
                + "json-jackson: escaped values, read by Jackson; json-null: null values; json-refused: a repeated name "
                + "at the end, read by every JSON path, then refused)\n");
        return section.toString();
    }

    private static double secondary(RunResult r, String counter) {
        Result result = r.getSecondaryResults().get(counter);
        if (result == null) {
            throw new IllegalStateException("no counter " + counter + " in " + r.getSecondaryResults().keySet());
        }
        return result.getScore();
    }

    private static ChainedOptionsBuilder base(int iterations, TimeValue time) {
        return new OptionsBuilder().forks(1).warmupIterations(iterations).warmupTime(time)
                .measurementIterations(iterations).measurementTime(time).shouldFailOnError(true);
    }

    private static Collection<RunResult> run(ChainedOptionsBuilder options) throws Exception {
        return new Runner(options.build()).run();
    }

    private static RunResult find(Collection<RunResult> results, String method, String shape) {
        return find(results, method, shape, null);
    }

    private static RunResult find(Collection<RunResult> results, String method, String shape, Mode mode) {
        for (RunResult r : results) {
            boolean sameMethod = r.getParams().getBenchmark().endsWith("." + method);
            String param = r.getParams().getParam("shape") != null ? r.getParams().getParam("shape") : r.getParams().getParam("body");
            boolean sameShape = shape == null || shape.equals(param);
            boolean sameMode = mode == null || r.getParams().getMode() == mode;
            if (sameMethod && sameShape && sameMode) {
                return r;
            }
        }
        throw new IllegalStateException("no result for " + method + " " + shape + " " + mode);
    }

    private static double score(RunResult r) {
        return r.getPrimaryResult().getScore();
    }

    private static double percentile(RunResult r, double p) {
        return r.getPrimaryResult().getStatistics().getPercentile(p);
    }

    private static double alloc(RunResult r) {
        Map<String, Result> secondary = new LinkedHashMap<>(r.getSecondaryResults());
        for (Map.Entry<String, Result> e : secondary.entrySet()) {
            if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                return e.getValue().getScore();
            }
        }
        return Double.NaN;
    }
}
