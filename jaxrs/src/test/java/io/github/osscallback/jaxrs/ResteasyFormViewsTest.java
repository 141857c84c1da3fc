package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackVerifier;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;

/** The form-view corpus on RESTEasy's servlet dispatcher, on Jetty 12 and on Tomcat 10.1 (without Jersey). */
class ResteasyFormViewsTest {

    /** The application RESTEasy instantiates by name; the verifier is set before each server starts. */
    public static class ViewsApplication extends Application {
        static volatile CallbackVerifier verifier;

        @Override
        public Set<Class<?>> getClasses() {
            return Set.of(FormViewsCorpus.ViewsResource.class);
        }

        @Override
        @SuppressWarnings("deprecation") // still the one way to hand JAX-RS a configured instance
        public Set<Object> getSingletons() {
            return Set.of(new OssCallbackFeature(verifier));
        }
    }

    static final Map<String, String> INIT_PARAMS = Map.of(
            "jakarta.ws.rs.Application", ViewsApplication.class.getName(),
            "resteasy.servlet.mapping.prefix", "/api");

    @Nested
    class OnJetty extends FormViewsCorpus {
        private ServletHosts.Host host;

        @Override
        String runtime() {
            return "RESTEasy on Jetty 12";
        }

        @Override
        int start(CallbackVerifier verifier) throws Exception {
            ViewsApplication.verifier = verifier;
            host = ServletHosts.jetty(ResteasyRawTargetTest.dispatcher(), INIT_PARAMS);
            return host.port();
        }

        @Override
        void stop() throws Exception {
            if (host != null) {
                host.stop();
            }
        }
    }

    @Nested
    class OnTomcat extends FormViewsCorpus {
        private ServletHosts.Host host;

        @Override
        String runtime() {
            return "RESTEasy on Tomcat 10.1";
        }

        @Override
        int start(CallbackVerifier verifier) throws Exception {
            ViewsApplication.verifier = verifier;
            host = ServletHosts.tomcat(ResteasyRawTargetTest.dispatcher(), INIT_PARAMS);
            return host.port();
        }

        @Override
        void stop() throws Exception {
            if (host != null) {
                host.stop();
            }
        }
    }
}
