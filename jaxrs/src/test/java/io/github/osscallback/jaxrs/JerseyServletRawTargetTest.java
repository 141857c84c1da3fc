package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackVerifier;
import java.util.Map;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.Nested;

/** The raw-target matrix for Jersey's servlet container on Jetty 12 and on Tomcat 10.1. */
class JerseyServletRawTargetTest {

    static ServletContainer jersey(CallbackVerifier verifier) {
        return new ServletContainer(new ResourceConfig(RawTargetMatrix.MatrixResource.class,
                RawTargetMatrix.ReachedMarker.class).register(new OssCallbackFeature(verifier)));
    }

    @Nested
    class OnJetty extends RawTargetMatrix {
        private ServletHosts.Host host;

        @Override
        String runtime() {
            return "Jersey on Jetty 12";
        }

        @Override
        int start(CallbackVerifier verifier) throws Exception {
            host = ServletHosts.jetty(jersey(verifier), Map.of());
            return host.port();
        }

        @Override
        String callbackPrefix() {
            return "/app/api/cb";
        }

        @Override
        void stop() throws Exception {
            host.stop();
        }
    }

    @Nested
    class OnTomcat extends RawTargetMatrix {
        private ServletHosts.Host host;

        @Override
        String runtime() {
            return "Jersey on Tomcat 10.1";
        }

        @Override
        int start(CallbackVerifier verifier) throws Exception {
            host = ServletHosts.tomcat(jersey(verifier), Map.of());
            return host.port();
        }

        @Override
        String callbackPrefix() {
            return "/app/api/cb";
        }

        @Override
        void stop() throws Exception {
            host.stop();
        }
    }
}
