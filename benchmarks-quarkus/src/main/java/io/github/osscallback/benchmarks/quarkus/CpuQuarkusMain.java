package io.github.osscallback.benchmarks.quarkus;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Speaks {@code CpuServer}'s protocol to the harness: the key URL prefix to trust and the key URL
 * to prefetch come as system properties ({@link BenchmarkVerifier}); prints {@code port N} once
 * Quarkus listens, and stops when its standard input ends.
 */
@QuarkusMain
public final class CpuQuarkusMain implements QuarkusApplication {

    public static void main(String... args) {
        Quarkus.run(CpuQuarkusMain.class, args);
    }

    @Override
    public int run(String... args) throws Exception {
        // With quarkus.http.port=0, Quarkus puts the port it was given back into the configuration.
        System.out.println("port " + ConfigProvider.getConfig().getValue("quarkus.http.port", Integer.class));
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the harness closes our input
        }
        return 0;
    }
}
