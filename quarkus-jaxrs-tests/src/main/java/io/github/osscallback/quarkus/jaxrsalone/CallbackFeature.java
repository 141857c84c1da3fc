package io.github.osscallback.quarkus.jaxrsalone;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.jaxrs.OssCallbackFeature;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;

/**
 * How an application registers oss-callback-jaxrs on Quarkus REST, which has no {@code register} call
 * and cannot take the final {@code OssCallbackFeature} as a provider of its own: a delegating feature.
 */
@Provider
public class CallbackFeature implements Feature {

    @Override
    public boolean configure(FeatureContext context) {
        return new OssCallbackFeature(CallbackVerifier.builder().build()).configure(context);
    }
}
