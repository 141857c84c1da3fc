package io.github.osscallback.jaxrs;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.glassfish.jersey.server.spi.Container;
import org.glassfish.jersey.server.spi.ContainerLifecycleListener;

/**
 * Recovers the raw target under Jersey's JDK HTTP server container, which binds no request
 * object but builds the request URI from the request line as the JDK server read it: unchanged,
 * except that the JDK server turns each byte into one character (ISO-8859-1), so raw UTF-8 in
 * the URL arrives as several characters. Turning them back into bytes and reading those as UTF-8
 * gives the target OSS sent. Jersey reports the container at start-up; under any other container
 * this stores nothing.
 */
@OssCallbackVerified
class JdkHttpRawTargetFilter implements ContainerRequestFilter, ContainerLifecycleListener {

    private static final String JDK_HTTP_CONTAINER = "org.glassfish.jersey.jdkhttp.JdkHttpHandlerContainer";

    private volatile boolean onJdkHttpServer;

    @Override
    public void onStartup(Container container) {
        onJdkHttpServer = JDK_HTTP_CONTAINER.equals(container.getClass().getName());
    }

    @Override
    public void onReload(Container container) {
        onStartup(container);
    }

    @Override
    public void onShutdown(Container container) {
    }

    @Override
    public void filter(ContainerRequestContext context) {
        if (!onJdkHttpServer) {
            return;
        }
        URI uri = context.getUriInfo().getRequestUri();
        context.setProperty(RawTarget.PROPERTY, new RawTarget(asUtf8(uri.getRawPath()), asUtf8(uri.getRawQuery())));
    }

    /** The text whose UTF-8 bytes are the bytes the JDK server read as one character each. */
    static String asUtf8(String readAsLatin1) {
        if (readAsLatin1 == null) {
            return null;
        }
        for (int i = 0; i < readAsLatin1.length(); i++) {
            char c = readAsLatin1.charAt(i);
            if (c > 0xff) {
                return readAsLatin1; // not one character per byte: leave it as the runtime gave it
            }
        }
        return new String(readAsLatin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** The same source for {@link OssEventVerified} methods. */
    @OssEventVerified
    static final class ForEvents extends JdkHttpRawTargetFilter {
    }
}
