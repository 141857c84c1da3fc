package io.github.osscallback.quarkus.runtime;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spi.CallbackEndpoint;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.core.parameters.ParameterExtractor;

/**
 * Binds an {@code @OssCallbackBody} resource-method parameter from the verified callback with
 * {@link OssCallback#bind}; a body that does not fit the type is answered {@code 400 malformed_body}.
 * Public, a bean with its type's name as property, because the build records it; not API.
 */
public class CallbackBodyParameter implements ParameterExtractor {

    private String type;
    private volatile Class<?> loaded;

    public CallbackBodyParameter() {
    }

    public CallbackBodyParameter(String type) {
        this.type = type;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    @Override
    public Object extractParameter(ResteasyReactiveRequestContext context) {
        OssCallback callback = OssCallbackParameter.verified(context);
        try {
            return callback.bind(type());
        } catch (CallbackRejectedException e) {
            CallbackEndpoint.logRejection(CallbackSetup.LOG, CallbackSetup.NAME + " (@OssCallbackBody " + type + ")", e,
                    context.serverRequest().getRequestMethod(), null);
            context.getContainerRequestContext().setProperty(CallbackEndpoint.REJECTION_ATTRIBUTE, e.reason().code());
            throw new WebApplicationException(CallbackReplyWriter.response(e.toReply()));
        }
    }

    private Class<?> type() {
        Class<?> c = loaded;
        if (c == null) {
            try {
                c = Class.forName(type, false, Thread.currentThread().getContextClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("@OssCallbackBody type " + type + " is not loadable", e);
            }
            loaded = c;
        }
        return c;
    }
}
