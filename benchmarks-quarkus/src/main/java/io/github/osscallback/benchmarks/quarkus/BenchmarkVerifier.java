package io.github.osscallback.benchmarks.quarkus;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The verifier of every {@code CpuServer} stack, as the application's own bean (the extension then
 * takes it instead of {@code oss.callback.*} properties): only the harness's key host trusted, the
 * same body limit, and its 512-bit test key fetched before the first request.
 */
final class BenchmarkVerifier {

    /** The system property with the key URL prefix to trust. */
    static final String PREFIX = "benchmark.key-url-prefix";
    /** The system property with the key URL to fetch at start-up. */
    static final String KEY_URL = "benchmark.key-url";

    private BenchmarkVerifier() {
    }

    @Produces
    @Singleton
    static CallbackVerifier verifier() {
        // System properties, not the command line: the extension builds its endpoint, and so asks for this
        // bean, in the static-init phase, before Quarkus offers the command-line arguments as a bean.
        String[] args = {System.getProperty(PREFIX), System.getProperty(KEY_URL)};
        if (args[0] == null || args[1] == null) {
            throw new IllegalArgumentException("set -D" + PREFIX + " (key URL prefix to trust) and -D" + KEY_URL
                    + " (key URL to prefetch)");
        }
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(args[0]).build())
                .maxBodyBytes(128 * 1024)
                .build();
        try {
            verifier.prefetchKey(args[1]);
        } catch (CallbackRejectedException e) {
            throw new IllegalStateException("the key at " + args[1] + " could not be fetched: " + e.reason().code(), e);
        }
        return verifier;
    }

    static void close(@Disposes CallbackVerifier verifier) {
        verifier.close();
    }
}
