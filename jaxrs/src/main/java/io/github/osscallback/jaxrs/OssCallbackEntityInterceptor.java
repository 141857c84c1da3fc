package io.github.osscallback.jaxrs;

import io.github.osscallback.OssCallback;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;

/**
 * Supplies the verified {@link OssCallback} when a {@link OssCallbackVerified} method declares it
 * as its entity parameter, without consuming the entity stream (so form parameters still work).
 */
@OssCallbackVerified
final class OssCallbackEntityInterceptor implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (context.getType() == OssCallback.class) {
            Object callback = context.getProperty(OssCallbackRequestFilter.PROPERTY);
            if (callback instanceof OssCallback) {
                return callback;
            }
        }
        return context.proceed();
    }
}
