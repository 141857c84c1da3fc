package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackVerifier;
import jakarta.servlet.http.HttpServlet;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.opentest4j.TestAbortedException;

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
        @SuppressWarnings("deprecation") // still the one way to hand JAX-RS a configured instance
        public Set<Object> getSingletons() {
            return Set.of(new OssCallbackFeature(verifier));
        }
    }

    /**
     * RESTEasy's servlet, loaded by name so that this class still loads in the Jersey execution,
     * where {@code -Dtest} may have selected it; there it is skipped.
     */
    static HttpServlet dispatcher() throws ReflectiveOperationException {
        try {
            return (HttpServlet) Class.forName("org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher")
                    .getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new TestAbortedException("RESTEasy is tested in the resteasy-test execution, without Jersey");
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
            host = ServletHosts.jetty(dispatcher(), INIT_PARAMS);
            return host.port();
        }

        @Override
        String callbackPrefix() {
            return "/app/api/cb";
        }

        @Override
        void stop() throws Exception {
            if (host != null) {
                host.stop();
            }
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
            host = ServletHosts.tomcat(dispatcher(), INIT_PARAMS);
            return host.port();
        }

        @Override
        String callbackPrefix() {
            return "/app/api/cb";
        }

        @Override
        void stop() throws Exception {
            if (host != null) {
                host.stop();
            }
        }
    }
}
