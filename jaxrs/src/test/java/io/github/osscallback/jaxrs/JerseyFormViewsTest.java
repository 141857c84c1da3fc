package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackVerifier;
import java.util.Map;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.Nested;

/** The form-view corpus on Jersey's servlet container, on Jetty 12 and on Tomcat 10.1. */
class JerseyFormViewsTest {

    static ServletContainer jersey(CallbackVerifier verifier) {
        return new ServletContainer(new ResourceConfig(FormViewsCorpus.ViewsResource.class)
                .register(new OssCallbackFeature(verifier)));
    }

    @Nested
    class OnJetty extends FormViewsCorpus {
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
        void stop() throws Exception {
            host.stop();
        }
    }

    @Nested
    class OnTomcat extends FormViewsCorpus {
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
        void stop() throws Exception {
            host.stop();
        }
    }
}
