package io.github.osscallback.jaxrs;

import jakarta.inject.Provider;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.util.DataChunk;

/**
 * Reads the raw target of a request served by Jersey's Grizzly container, which binds Grizzly's
 * {@link Request} per request. Jersey can hand that class to a singleton only through a
 * {@link Provider}. Registered only when Jersey's Grizzly container is present; elsewhere the
 * provider yields nothing and this stores nothing.
 */
@OssCallbackVerified
class GrizzlyRawTargetFilter implements ContainerRequestFilter {

    @Context
    private Provider<Request> request;

    @Override
    public void filter(ContainerRequestContext context) {
        if (request == null) {
            return;
        }
        String path;
        String query;
        String remoteAddress;
        try {
            Request grizzlyRequest = request.get();
            if (grizzlyRequest == null) {
                return;
            }
            // Decoded as UTF-8 here: Request.getRequestURI() does not read the bytes as UTF-8, and
            // getQueryString() in whatever encoding the application set for parameters.
            HttpRequestPacket packet = grizzlyRequest.getRequest();
            path = packet.getRequestURIRef().getOriginalRequestURIBC().toString(StandardCharsets.UTF_8);
            DataChunk rawQuery = packet.getQueryStringDC();
            query = rawQuery.isNull() ? null : rawQuery.toString(StandardCharsets.UTF_8);
            remoteAddress = grizzlyRequest.getRemoteAddr();
        } catch (RuntimeException notGrizzly) {
            return; // served by another container in the same application
        }
        if (path != null) {
            context.setProperty(RawTarget.PROPERTY, new RawTarget(path, query, remoteAddress, null));
        }
    }

    /** The same source for {@link OssEventVerified} methods. */
    @OssEventVerified
    static final class ForEvents extends GrizzlyRawTargetFilter {
    }
}
