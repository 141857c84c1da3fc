package io.github.osscallback.jaxrs;

import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;

/**
 * Refuses, when the application is deployed, a resource method bound both {@link OssCallbackVerified}
 * and {@link OssEventVerified} (on the method or its class): each filter would read the request as
 * its own kind and the other would refuse it, so every callback and every event sent there would
 * be lost to a refusal instead of to a message at start-up.
 */
final class OneBinding implements DynamicFeature {

    /** Registers the check once, whichever of the features registers it first. */
    static void register(FeatureContext context) {
        if (!context.getConfiguration().isRegistered(OneBinding.class)) {
            context.register(new OneBinding());
        }
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        Method method = resource.getResourceMethod();
        Class<?> type = resource.getResourceClass();
        if (method != null && bound(OssCallbackVerified.class, method, type) && bound(OssEventVerified.class, method, type)) {
            throw new IllegalStateException("resource method " + type.getName() + "." + method.getName()
                    + " is both @OssCallbackVerified and @OssEventVerified: an upload callback and an event delivery"
                    + " are signed differently, so one method cannot take both; give each its own method");
        }
    }

    private static boolean bound(Class<? extends Annotation> binding, AnnotatedElement method, AnnotatedElement type) {
        return method.isAnnotationPresent(binding) || (type != null && type.isAnnotationPresent(binding));
    }
}
