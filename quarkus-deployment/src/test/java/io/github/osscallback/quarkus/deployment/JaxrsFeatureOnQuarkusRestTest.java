package io.github.osscallback.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.jaxrs.OssCallbackFeature;
import jakarta.ws.rs.RuntimeType;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import org.jboss.resteasy.reactive.common.jaxrs.ConfigurationImpl;
import org.jboss.resteasy.reactive.common.model.ResourceInterceptors;
import org.jboss.resteasy.reactive.server.jaxrs.FeatureContextImpl;
import org.junit.jupiter.api.Test;

/**
 * oss-callback-jaxrs's feature used alone on Quarkus REST (no extension to fail the build): it is
 * configured as Quarkus REST configures every {@code @Provider} feature, through RESTEasy Reactive's
 * own {@link FeatureContextImpl}, the real class on this module's class path, and refuses to start,
 * naming oss-callback-quarkus. Quarkus REST would otherwise ignore its reader, writer and
 * interceptors and every genuine callback would be lost.
 */
class JaxrsFeatureOnQuarkusRestTest {

    /** The context Quarkus REST passes to a feature's configure at start-up. */
    private static FeatureContext quarkusRestContext() {
        return new FeatureContextImpl(new ResourceInterceptors(), null, new ConfigurationImpl(RuntimeType.SERVER),
                type -> null);
    }

    private static void assertRefused(Feature feature) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> feature.configure(quarkusRestContext()));
        assertTrue(e.getMessage().startsWith("OssCallbackFeature cannot verify callbacks on Quarkus REST"), e.getMessage());
        assertTrue(e.getMessage().contains("add io.github.osscallback:oss-callback-quarkus"), e.getMessage());
    }

    @Test
    void aFeatureGivenAVerifierRefusesQuarkusRest() {
        try (CallbackVerifier verifier = CallbackVerifier.builder().build()) {
            assertRefused(new OssCallbackFeature(verifier));
        }
    }

    /** Registered by class it would read properties first; Quarkus REST is named before any property is. */
    @Test
    void aFeatureConfiguredFromPropertiesRefusesQuarkusRestBeforeReadingThem() {
        assertRefused(new OssCallbackFeature());
    }

    /** How an application registers it there: Quarkus REST has no register call, and the feature is final. */
    @Test
    void aDelegatingProviderFeatureRefusesQuarkusRest() {
        try (CallbackVerifier verifier = CallbackVerifier.builder().build()) {
            Feature delegating = context -> new OssCallbackFeature(verifier).configure(context);
            assertRefused(delegating);
        }
    }
}
