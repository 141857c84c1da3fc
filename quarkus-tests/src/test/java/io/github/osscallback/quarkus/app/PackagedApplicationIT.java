package io.github.osscallback.quarkus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.SignedDelivery;
import io.github.osscallback.testing.SigningCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The application as users ship it: {@code target/quarkus-app/quarkus-run.jar}, built by the
 * Quarkus Maven plugin, started as its own process with the key host's prefix as a system
 * property. Run by Failsafe after {@code package}.
 */
class PackagedApplicationIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final Pattern LISTENING = Pattern.compile("Listening on: http://127\\.0\\.0\\.1:(\\d+)");
    private static final String BODY = "bucket=b&object=users%2F42%2Fcat.jpg&size=3";

    private static final OssCallbackSigner SIGNER = OssCallbackSigner.generate();
    private static final SigningCertificate EVENTS = SigningCertificate.generate();
    private static LoopbackKeyServer keyServer;
    private static String keyPrefix;
    private static String eventPrefix;

    @BeforeAll
    static void keyHost() throws IOException {
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", SIGNER.publicKeyPem()).serve("/events/cert.pem", EVENTS.pem());
        keyPrefix = "-Doss.callback.key-url-prefixes=" + keyServer.baseUrl() + "/oss/";
        eventPrefix = "-Doss.callback.events.mns-certificate-prefixes=" + keyServer.baseUrl() + "/events/";
    }

    @AfterAll
    static void stopKeyHost() {
        keyServer.close();
    }

    private static Process start(Path log, String... properties) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=0"));
        command.addAll(List.of(properties));
        command.addAll(List.of("-jar", JAR.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** The port the application logs once it listens; fails if it exits first. */
    private static int port(Process app, Path log) throws Exception {
        // Bounded: start-up takes seconds; the loop ends as soon as the line or the exit is seen.
        for (int i = 0; i < 1200; i++) {
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            if (app.waitFor(100, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the application exited with " + app.exitValue() + ":\n" + Files.readString(log));
            }
        }
        throw new AssertionError("the application did not start:\n" + Files.readString(log));
    }

    @Test
    void thePackagedApplicationVerifiesGenuineCallbacksAndRejectsForgedOnes() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by the package phase");
        Path log = Files.createTempFile("quarkus-run", ".log");
        Process app = start(log, keyPrefix, eventPrefix);
        try {
            int port = port(app, log);
            Callbacks callbacks = Callbacks.of(SIGNER, keyServer.url("/oss/key.pem"), port);
            RawHttp.Response genuine = callbacks.genuine("/oss/callback/upload", null, Callbacks.FORM, BODY);
            assertEquals(200, genuine.status(), genuine.body());
            assertTrue(genuine.body().contains("\"object\":\"users/42/cat.jpg\""), genuine.body());
            assertEquals(String.valueOf(genuine.body().length()), genuine.header("Content-Length"));
            RawHttp.Response bound = callbacks.genuine("/oss/callback/bound", null, "application/json",
                    "{\"bucket\":\"b\",\"object\":\"o.jpg\",\"size\":7}");
            assertEquals("{\"bucket\":\"b\",\"object\":\"o.jpg\",\"size\":7}", bound.body());
            RawHttp.Response forged = callbacks.forged("/oss/callback/upload", BODY, BODY.replace("cat", "dog"));
            assertEquals(403, forged.status(), forged.body());
            assertTrue(forged.body().contains("\"signature_mismatch\""), forged.body());
            assertTrue(Pattern.compile("Installed features: \\[[^\\]]*\\boss-callback[,\\]]").matcher(Files.readString(log)).find(),
                    "the extension is among the installed features");
            SignedDelivery event = MnsPusher.create(EVENTS, keyServer.url("/events/cert.pem"), Clock.systemUTC())
                    .push(MnsPusher.Format.XML, "/oss/events/push", "PACKAGED-1", "{\"events\":[]}");
            RawHttp.Response delivered = RawHttp.post(port, event.target(), event.headers(), event.body());
            assertEquals(200, delivered.status(), delivered.body());
            assertTrue(delivered.body().contains("\"id\":\"PACKAGED-1\",\"times\":1"), delivered.body());
        } finally {
            app.destroy();
            app.waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    @Test
    void aMisspeltPropertyFailsStartUpWithTheNearestName() throws Exception {
        Path log = Files.createTempFile("quarkus-run", ".log");
        String output = failedStart(keyPrefix, eventPrefix, "-Doss.callback.replay-window=60");
        assertTrue(output.contains("oss.callback.replay-window is not an oss-callback property"
                + " (did you mean oss.callback.replay-window-seconds?)"), output);
    }

    /** The test application has @OssEventVerified methods: without an event service they could only fail. */
    @Test
    void eventMethodsWithoutAnEventServiceFailStartUp() throws Exception {
        String output = failedStart(keyPrefix);
        assertTrue(output.contains("resource methods io.github.osscallback.quarkus.app.EventResource.push"), output);
        assertTrue(output.contains("are annotated @OssEventVerified, but no event service is accepted: set"
                + " oss.callback.events.mns-regions or oss.callback.events.mns-certificate-prefixes for MNS"), output);
    }

    @Test
    void aMisspeltEventPropertyFailsStartUpWithTheNearestName() throws Exception {
        String output = failedStart(keyPrefix, eventPrefix, "-Doss.callback.events.mns-region=cn-hangzhou");
        assertTrue(output.contains("oss.callback.events.mns-region is not an oss-callback property"
                + " (did you mean oss.callback.events.mns-regions?)"), output);
    }

    /** What the application printed before it stopped by itself, with a failure status. */
    private static String failedStart(String... properties) throws Exception {
        Path log = Files.createTempFile("quarkus-run", ".log");
        Process app = start(log, properties);
        try {
            assertTrue(app.waitFor(120, TimeUnit.SECONDS), "a misconfigured application must stop by itself");
            String output = Files.readString(log);
            assertNotEquals(0, app.exitValue(), output);
            return output;
        } finally {
            app.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }
}
