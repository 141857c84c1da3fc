package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackVerifier;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher;
import org.junit.jupiter.api.Nested;

/**
 * The raw-target matrix for RESTEasy's servlet dispatcher on Jetty 12 and on Tomcat 10.1. Runs in
 * its own surefire execution, without Jersey on the class path (both implement the JAX-RS
 * {@code RuntimeDelegate}, and only one can be the JVM's).
 */
class ResteasyRawTargetTest {

    /** The application RESTEasy instantiates by name; the verifier is set before each server starts. */
    public static class MatrixApplication extends Application {
        static volatile CallbackVerifier verifier;

        @Override
        public Set<Class<?>> getClasses() {
            return Set.of(RawTargetMatrix.MatrixResource.class, RawTargetMatrix.ReachedMarker.class);
        }

        @Override
        public Set<Object> getSingletons() {
            return Set.of(new OssCallbackFeature(verifier));
        }
    }

    static final Map<String, String> INIT_PARAMS = Map.of(
            "jakarta.ws.rs.Application", MatrixApplication.class.getName(),
            "resteasy.servlet.mapping.prefix", "/api");

    @Nested
    class OnJetty extends RawTargetMatrix {
        private ServletHosts.Host host;

        @Override
        String runtime() {
            return "RESTEasy on Jetty 12";
        }

        @Override
        int start(CallbackVerifier verifier) throws Exception {
            MatrixApplication.verifier = verifier;
            host = ServletHosts.jetty(new HttpServlet30Dispatcher(), INIT_PARAMS);
            return host.port();
        }

        @Override
        String callbackPrefix() {
            return "/app/api/cb";
        }

        @Override
        void stop() throws Exception {
            host.close();
        }
    }

    @Nested
    class OnTomcat extends RawTargetMatrix {
        private ServletHosts.Host host;

        @Override
        String runtime() {
            return "RESTEasy on Tomcat 10.1";
        }

        @Override
        int start(CallbackVerifier verifier) throws Exception {
            MatrixApplication.verifier = verifier;
            host = ServletHosts.tomcat(new HttpServlet30Dispatcher(), INIT_PARAMS);
            return host.port();
        }

        @Override
        String callbackPrefix() {
            return "/app/api/cb";
        }

        @Override
        void stop() throws Exception {
            host.close();
        }
    }
}
