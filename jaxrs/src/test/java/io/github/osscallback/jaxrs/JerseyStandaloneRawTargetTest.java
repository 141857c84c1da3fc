package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackVerifier;
import java.net.URI;
import org.glassfish.grizzly.http.server.HttpServer;
import org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpServerFactory;
import org.glassfish.jersey.jdkhttp.JdkHttpServerFactory;
import org.glassfish.jersey.server.ResourceConfig;
import org.junit.jupiter.api.Nested;

/** The raw-target matrix for Jersey on its non-servlet containers: Grizzly and the JDK HTTP server. */
class JerseyStandaloneRawTargetTest {

    static final URI BASE = URI.create("http://127.0.0.1:0/app/");

    static ResourceConfig application(CallbackVerifier verifier) {
        return new ResourceConfig(RawTargetMatrix.MatrixResource.class, RawTargetMatrix.ReachedMarker.class)
                .register(new OssCallbackFeature(verifier));
    }

    @Nested
    class OnGrizzly extends RawTargetMatrix {
        private HttpServer server;

        @Override
        String runtime() {
            return "Jersey on Grizzly";
        }

        @Override
        int start(CallbackVerifier verifier) throws Exception {
            server = GrizzlyHttpServerFactory.createHttpServer(BASE, application(verifier));
            return server.getListeners().iterator().next().getPort();
        }

        @Override
        String callbackPrefix() {
            return "/app/cb";
        }

        @Override
        void stop() {
            server.shutdownNow();
        }
    }

    @Nested
    class OnJdkHttpServer extends RawTargetMatrix {
        private com.sun.net.httpserver.HttpServer server;

        @Override
        String runtime() {
            return "Jersey on the JDK HTTP server";
        }

        @Override
        int start(CallbackVerifier verifier) throws Exception {
            server = JdkHttpServerFactory.createHttpServer(BASE, application(verifier));
            return server.getAddress().getPort();
        }

        @Override
        String callbackPrefix() {
            return "/app/cb";
        }

        @Override
        void stop() {
            server.stop(0);
        }
    }
}
