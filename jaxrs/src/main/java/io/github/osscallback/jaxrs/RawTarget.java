package io.github.osscallback.jaxrs;

import jakarta.ws.rs.container.ContainerRequestContext;
import java.net.URI;
import java.util.function.Supplier;

/**
 * The path and query of a request as the client sent them, which OSS signed, and what else the
 * container underneath knows that JAX-RS does not expose. JAX-RS offers only
 * {@link jakarta.ws.rs.core.UriInfo#getRequestUri()}, which runtimes rebuild (Jersey on a servlet
 * container or on Grizzly re-encodes characters of the query, for instance), so a source filter
 * registered by {@link RawTargetSources} reads the target from the underlying container first and
 * leaves it in a request property; the request URI is only the fallback.
 */
final class RawTarget {

    /** The request property a source filter stores the raw target in. */
    static final String PROPERTY = RawTarget.class.getName();

    final String path;
    final String query;
    /** The client's address, or null when the container does not say. */
    final String remoteAddress;
    /**
     * Finds the container's own request object (checked at the first request for settings that
     * break callbacks), or yields null; asked only then, so other requests pay nothing for it.
     */
    final Supplier<Object> containerRequest;

    /**
     * @param path the path as received, still percent-encoded
     * @param query the query without {@code ?}, or null when the request had none
     */
    RawTarget(String path, String query) {
        this(path, query, null, null);
    }

    RawTarget(String path, String query, String remoteAddress, Supplier<Object> containerRequest) {
        this.path = path;
        this.query = query;
        this.remoteAddress = remoteAddress;
        this.containerRequest = containerRequest == null ? () -> null : containerRequest;
    }

    /** What a source filter stored for this request, else the runtime's request URI. */
    static RawTarget of(ContainerRequestContext context) {
        Object stored = context.getProperty(PROPERTY);
        if (stored instanceof RawTarget) {
            return (RawTarget) stored;
        }
        URI uri = context.getUriInfo().getRequestUri();
        return new RawTarget(uri.getRawPath(), uri.getRawQuery());
    }
}
