package io.github.osscallback.jaxrs;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.EventVerifier;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.core.ResteasyDeploymentImpl;
import org.jboss.resteasy.spi.ResteasyDeployment;
import org.junit.jupiter.api.Test;

/**
 * {@link OssEventFeature} on RESTEasy's servlet dispatcher on embedded Jetty 12 (without Jersey;
 * run by the resteasy-test execution). RESTEasy has no request-event hook, so what only Jersey's
 * listener catches (an answer failing once committed) is not tested here.
 */
class ResteasyEventFeatureTest extends EventFeatureContract {

    /** The application RESTEasy instantiates by name; the verifier is set before each server starts. */
    public static class EventsApplication extends Application {
        static volatile EventVerifier verifier;

        @Override
        public Set<Class<?>> getClasses() {
            return Set.of(EventResource.class, BusyMapper.class, RawTargetProbe.class);
        }

        @Override
        @SuppressWarnings("deprecation") // still the one way to hand JAX-RS a configured instance
        public Set<Object> getSingletons() {
            return Set.of(new OssEventFeature(verifier));
        }
    }

    @Test
    void aMethodBoundAsCallbackAndEventFailsDeployment() {
        ResteasyDeployment deployment = new ResteasyDeploymentImpl();
        deployment.setApplication(new Application() {
            @Override
            public Set<Class<?>> getClasses() {
                return Set.of(BothBindings.class);
            }

            @Override
            @SuppressWarnings("deprecation")
            public Set<Object> getSingletons() {
                return Set.of(new OssEventFeature(verifier));
            }
        });
        try {
            assertTrue(why(assertThrows(RuntimeException.class, deployment::start)).getMessage()
                    .startsWith(BOTH_BINDINGS));
        } finally {
            deployment.stop();
        }
    }

    private ServletHosts.Host host;

    @Override
    int start(EventVerifier verifier) throws Exception {
        EventsApplication.verifier = verifier;
        host = ServletHosts.jetty(ResteasyRawTargetTest.dispatcher(), Map.of(
                "jakarta.ws.rs.Application", EventsApplication.class.getName(),
                "resteasy.servlet.mapping.prefix", "/api"));
        return host.port();
    }

    @Override
    void stopServer() throws Exception {
        if (host != null) {
            host.stop();
        }
    }
}
