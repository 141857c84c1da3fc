package io.github.osscallback.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.EventVerifier;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.Jetty;
import io.github.osscallback.spi.EventEndpoint;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.EventBridgeDeliverer;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.SignedDelivery;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.Test;

/** {@link OssEventFeature} on Jersey 3.1's servlet container on embedded Jetty 12, and what only Jersey offers. */
class JerseyEventFeatureTest extends EventFeatureContract {

    @Path("/cb")
    public static class CallbackResource {
        @POST
        @OssCallbackVerified
        @Produces(MediaType.APPLICATION_JSON)
        public String callback(OssCallback callback) {
            return "{\"object\":\"" + callback.object().orElse("") + "\"}";
        }
    }

    private Server server;

    @Override
    int start(EventVerifier verifier) throws Exception {
        return startJersey(new ResourceConfig(EventResource.class, BusyMapper.class, RawTargetProbe.class)
                .register(new OssEventFeature(verifier)));
    }

    private int startJersey(ResourceConfig config) throws Exception {
        server = new Server();
        ServerConnector connector = Jetty.addConnector(server, "127.0.0.1", 0, true);
        ServletContextHandler context = new ServletContextHandler("/app");
        context.addServlet(new ServletHolder(new ServletContainer(config)), "/api/*");
        server.setHandler(context);
        server.start();
        return connector.getLocalPort();
    }

    @Override
    void stopServer() throws Exception {
        server.stop();
    }

    /** A failure after the response is committed reaches no response filter; Jersey's request events tell it. */
    @Test
    void anAnswerFailingWhileWrittenReleasesTheDeliveryForTheSendersRetry() throws Exception {
        SignedDelivery push = mns(MnsPusher.Format.XML, "streams", "MSG-1");
        FAILURES.set(1);
        String first = sendKeepingWhatArrives(push);
        assertTrue(first.startsWith("HTTP/1.1 200"), first.substring(0, Math.min(40, first.length())));
        assertTrue(!first.endsWith("\r\n0\r\n\r\n"), "the failed answer must not look complete to the sender");
        RawHttp.Response retry = send(push);
        assertEquals(200, retry.status());
        assertEquals("stored", retry.body());
        assertEquals(2, CALLS.get());
        assertEquals("{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}", send(push).body());
    }

    /** What the server sent before it closed or reset the connection. */
    private String sendKeepingWhatArrives(SignedDelivery delivery) throws IOException {
        StringBuilder head = new StringBuilder("POST ").append(delivery.target()).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port).append("\r\n");
        delivery.headers().forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(delivery.body().length).append("\r\nConnection: close\r\n\r\n");
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(delivery.body());
            byte[] chunk = new byte[8192];
            int n;
            while ((n = socket.getInputStream().read(chunk)) > 0) {
                received.write(chunk, 0, n);
            }
        } catch (SocketException reset) {
            // The server gave up on the connection: what arrived before is the answer.
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    /** Registered by class, the feature owns the verifier it built: Jersey's shutdown ends its certificate-fetch threads. */
    @Test
    void stoppingTheApplicationEndsTheFetchThreadsOfTheVerifierTheFeatureBuilt() throws Exception {
        server.stop();
        Set<Thread> before = fetchThreads();
        port = startJersey(new ResourceConfig(EventResource.class)
                .property("oss.callback.events.mnsCertificatePrefixes", certs.baseUrl() + "/events/")
                .register(OssEventFeature.class));
        SignedDelivery push = MnsPusher.create(CERT, certs.url("/events/cert.pem"), Clock.systemUTC())
                .push(MnsPusher.Format.XML, "/app/api/events/typed", "MSG-1", MESSAGE);
        assertEquals(204, send(push).status()); // the certificate is fetched: the verifier starts its client
        Set<Thread> ours = fetchThreads();
        ours.removeAll(before);
        assertFalse(ours.isEmpty(), "the certificate fetch ran on threads of ours");
        server.stop();
        for (Thread t : ours) {
            // Closing has waited for them already; this only bounds a failing run on a busy machine.
            t.join(30_000);
            assertFalse(t.isAlive(), t.getName() + " outlived the JAX-RS application");
        }
    }

    private static Set<Thread> fetchThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("oss-callback-key-fetch-") && t.isAlive())
                .collect(Collectors.toSet());
    }

    /** Behind a proxy EventBridge signs the URL it was given, which an endpoint made in code names. */
    @Test
    void anEndpointMadeInCodeVerifiesTheUrlEventBridgeWasGiven() throws Exception {
        server.stop();
        EventEndpoint endpoint = EventEndpoint.of("proxied", verifier, System.getLogger("proxied"))
                .withBaseUrl("https://events.example.com");
        port = startJersey(new ResourceConfig(EventResource.class).register(new OssEventFeature(endpoint)));
        SignedDelivery delivery = deliverer.signingV2().deliver("https://events.example.com/app/api/events/typed?a=1",
                "{\"id\":\"EB-1\"}");
        assertEquals(204, send(delivery).status());
        SignedDelivery direct = deliverer.signingV2().deliver("http://127.0.0.1:" + port + "/app/api/events/typed",
                "{\"id\":\"EB-2\"}");
        assertEquals(403, send(direct).status());
        assertEquals(1, CALLS.get());
    }

    @Test
    void bothFeaturesByClassConfigureFromTheirOwnProperties() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        certs.serve("/oss/key.pem", signer.publicKeyPem());
        server.stop();
        port = startJersey(new ResourceConfig(EventResource.class, CallbackResource.class)
                .property("oss.callback.keyUrlPrefixes", certs.baseUrl() + "/oss/")
                .property("oss.callback.events.mnsCertificatePrefixes", certs.baseUrl() + "/events/")
                .property("oss.callback.events.eventBridgeCertificatePrefixes", certs.baseUrl() + "/events/")
                .register(OssCallbackFeature.class)
                .register(OssEventFeature.class));
        // The feature's own verifier reads the real clock: sign now.
        MnsPusher now = MnsPusher.create(CERT, certs.url("/events/cert.pem"), java.time.Clock.systemUTC());
        SignedDelivery push = now.push(MnsPusher.Format.JSON, "/app/api/events/typed", "MSG-1", MESSAGE);
        assertEquals(204, send(push).status());
        assertEquals(200, send(push).status());
        SignedDelivery delivery = EventBridgeDeliverer.create(CERT, certs.url("/events/cert.pem"),
                java.time.Clock.systemUTC()).signingV2().deliver("http://127.0.0.1:" + port + "/app/api/events/typed",
                "{\"id\":\"EB-9\",\"type\":\"oss:ObjectCreated:PutObject\"}");
        assertEquals(204, send(delivery).status());
        assertEquals(2, CALLS.get());

        byte[] body = "{\"bucket\":\"b\",\"object\":\"o.png\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>(signer.headers(certs.url("/oss/key.pem"), "/app/api/cb",
                null, "application/json", body));
        RawHttp.Response callback = RawHttp.post(port, "/app/api/cb", headers, body);
        assertEquals(200, callback.status(), callback.body());
        assertEquals("{\"object\":\"o.png\"}", callback.body());
        // An event delivery to the callback method is no callback.
        assertEquals(400, send(now.push(MnsPusher.Format.XML, "/app/api/cb", "MSG-2", MESSAGE)).status());
    }

    @Test
    void aMethodBoundAsCallbackAndEventFailsDeployment() {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        certs.serve("/oss/key.pem", signer.publicKeyPem());
        ResourceConfig both = new ResourceConfig(BothBindings.class)
                .property("oss.callback.keyUrlPrefixes", certs.baseUrl() + "/oss/")
                .register(OssCallbackFeature.class)
                .register(new OssEventFeature(verifier));
        assertTrue(why(assertThrows(RuntimeException.class, () -> new ApplicationHandler(both))).getMessage()
                .startsWith(BOTH_BINDINGS));
        // Either feature alone refuses it too.
        ResourceConfig eventsOnly = new ResourceConfig(BothBindings.class).register(new OssEventFeature(verifier));
        assertTrue(why(assertThrows(RuntimeException.class, () -> new ApplicationHandler(eventsOnly))).getMessage()
                .startsWith(BOTH_BINDINGS));
    }

    @Test
    void anUnknownEventPropertyFailsWithTheNearestSetting() {
        ResourceConfig config = new ResourceConfig(EventResource.class)
                .property("oss.callback.events.mnsRegions", "cn-hangzhou")
                .property("oss.callback.events.duplicateWindow", "600")
                .register(OssEventFeature.class);
        Throwable thrown = assertThrows(RuntimeException.class, () -> new ApplicationHandler(config));
        while (!(thrown instanceof IllegalStateException) && thrown.getCause() != null) {
            thrown = thrown.getCause();
        }
        String message = thrown.getMessage();
        assertTrue(message.startsWith("OssEventFeature (application properties) is misconfigured"), message);
        assertTrue(message.contains("'oss.callback.events.duplicateWindow' (did you mean"
                + " oss.callback.events.duplicateWindowSeconds?)"), message);
    }

    @Test
    void eventPropertiesBesideAVerifierPassedInFailInsteadOfBeingIgnored() {
        ResourceConfig config = new ResourceConfig(EventResource.class)
                .property("oss.callback.events.maxBodyBytes", "100")
                .register(new OssEventFeature(verifier));
        Throwable thrown = assertThrows(RuntimeException.class, () -> new ApplicationHandler(config));
        while (!(thrown instanceof IllegalStateException) && thrown.getCause() != null) {
            thrown = thrown.getCause();
        }
        assertTrue(thrown.getMessage().contains("OssEventFeature was given a verifier and application properties"
                + " [oss.callback.events.maxBodyBytes]"), thrown.getMessage());
    }
}
