package io.github.osscallback.quarkus.runtime;

import io.github.osscallback.OssCallback;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.core.parameters.ParameterExtractor;

/**
 * Gives an {@link OssCallback} resource-method parameter the callback {@link OssCallbackFilter}
 * verified. The parameter is not the request's entity: its body was read once, by the verifier, so
 * no reader and no Content-Type rule of Quarkus REST stand in the way. Public, with a public
 * constructor, because the build records it; not API.
 */
public class OssCallbackParameter implements ParameterExtractor {

    @Override
    public Object extractParameter(ResteasyReactiveRequestContext context) {
        return verified(context);
    }

    static OssCallback verified(ResteasyReactiveRequestContext context) {
        Object callback = context.getContainerRequestContext().getProperty(OssCallbackFilter.PROPERTY);
        if (callback == null) {
            // The build refuses such methods unless @OssCallbackVerified; a resource it could not see lands here.
            throw new IllegalStateException("a resource method takes the verified OssCallback, but nothing verified"
                    + " this request: annotate the method @OssCallbackVerified");
        }
        return (OssCallback) callback;
    }
}
