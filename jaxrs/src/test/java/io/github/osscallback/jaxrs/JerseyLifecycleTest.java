package io.github.osscallback.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.Jetty;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The feature configured from application properties owns the verifier it built: when Jersey shuts
 * the application down, the verifier is closed and its key-fetch threads end. A verifier passed in
 * is its owner's, and stays open.
 */
class JerseyLifecycleTest {

    private static final String FETCH_THREADS = "oss-callback-key-fetch-";
    private static final byte[] BODY = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);

    @Path("/cb")
    public static class Resource {
        @POST
        @OssCallbackVerified
        public CallbackReply accept(OssCallback callback) {
            return CallbackReply.ok();
        }
    }

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private LoopbackKeyServer keyServer;
    private Server server;

    @BeforeEach
    void startKeys() throws Exception {
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", signer.publicKeyPem());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
        keyServer.close();
    }

    private int start(ResourceConfig config) throws Exception {
        server = new Server();
        ServerConnector connector = Jetty.addConnector(server, "127.0.0.1", 0, true);
        ServletContextHandler context = new ServletContextHandler("/app");
        context.addServlet(new ServletHolder(new ServletContainer(config)), "/api/*");
        server.setHandler(context);
        server.start();
        return connector.getLocalPort();
    }

    private int callback(int port) throws Exception {
        String path = "/app/api/cb";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(BODY));
        signer.headers(keyServer.url("/oss/key.pem"), path, null, "application/x-www-form-urlencoded", BODY)
                .forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Set<Thread> fetchThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(FETCH_THREADS) && t.isAlive()).collect(Collectors.toSet());
    }

    @Test
    void stoppingTheApplicationEndsTheKeyFetchThreadsOfTheVerifierTheFeatureBuilt() throws Exception {
        Set<Thread> before = fetchThreads();
        int port = start(new ResourceConfig(Resource.class)
                .property("oss.callback.keyUrlPrefixes", keyServer.baseUrl() + "/oss/")
                .register(OssCallbackFeature.class));
        assertEquals(200, callback(port)); // the key is fetched: the verifier starts its client
        Set<Thread> ours = fetchThreads();
        ours.removeAll(before);
        assertFalse(ours.isEmpty(), "the key fetch ran on threads of ours");

        server.stop();
        server = null;
        for (Thread t : ours) {
            // Closing has waited for them already; this only bounds a failing run on a busy machine.
            t.join(30_000);
            assertFalse(t.isAlive(), t.getName() + " outlived the JAX-RS application");
        }
    }

    @Test
    void aVerifierPassedInIsLeftOpenWhenTheApplicationStops() throws Exception {
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .build();
        try {
            int port = start(new ResourceConfig(Resource.class).register(new OssCallbackFeature(verifier)));
            assertEquals(200, callback(port));
            server.stop();
            server = null;
            assertTrue(verifier.keyStatus().remoteFetching(), "still open after the application stopped");
            assertFalse(verifier.keyStatus().closed());
        } finally {
            verifier.close();
        }
    }
}
