package io.github.osscallback.jaxrs;

import jakarta.ws.rs.core.FeatureContext;

/**
 * Recognises Quarkus REST (RESTEasy Reactive) by the feature context it configures features with:
 * it runs the feature's request filter but ignores the reader, writer and interceptors the feature
 * registers, so a resource method taking {@code OssCallback} would answer 415 to every genuine
 * callback and nothing would say why. Read by class name, as nothing of Quarkus is on this module's
 * class path.
 */
final class QuarkusRest {

    static final String REFUSAL = "OssCallbackFeature cannot verify callbacks on Quarkus REST (RESTEasy Reactive):"
            + " Quarkus REST ignores the reader, writer and interceptors the feature registers, so resources taking"
            + " OssCallback would answer 415 to every genuine callback. Remove oss-callback-jaxrs and add"
            + " io.github.osscallback:oss-callback-quarkus, the Quarkus extension (@OssCallbackVerified from"
            + " io.github.osscallback.quarkus, configured from oss.callback.* in application.properties)";

    static final String EVENT_REFUSAL = "OssEventFeature cannot verify event deliveries on Quarkus REST (RESTEasy"
            + " Reactive), which ignores the interceptors and reader a feature registers: use"
            + " io.github.osscallback:oss-callback-quarkus (@OssEventVerified from io.github.osscallback.quarkus,"
            + " configured from oss.callback.events.* in application.properties)";

    private static final String PACKAGE = "org.jboss.resteasy.reactive.";

    private QuarkusRest() {
    }

    /** Whether Quarkus REST is configuring the feature: its context or configuration is RESTEasy Reactive's. */
    static boolean configures(FeatureContext context) {
        return fromResteasyReactive(context.getClass())
                || context.getConfiguration() != null && fromResteasyReactive(context.getConfiguration().getClass());
    }

    private static boolean fromResteasyReactive(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().startsWith(PACKAGE)) {
                return true;
            }
        }
        return false;
    }
}
