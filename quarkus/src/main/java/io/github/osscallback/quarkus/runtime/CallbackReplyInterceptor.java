package io.github.osscallback.quarkus.runtime;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.jboss.resteasy.reactive.server.core.CurrentRequestManager;

/**
 * Frames the reply to a verified callback as OSS needs it, whatever writes it (a
 * {@code CallbackReply}, or quarkus-rest-jackson for a Map or record): the writer's bytes are held,
 * checked as OSS will take them ({@code CallbackEndpoint.checkReply}, which logs one error for a
 * reply OSS would refuse) and sent with their exact Content-Length: Quarkus REST's output stream
 * sends a reply over its buffer (8 KiB) chunked unless the response declares a length (a 100 KB Map
 * from quarkus-rest-jackson did), and OSS fails a chunked reply. Replies to other
 * requests pass through untouched. Public for the code Quarkus generates around it; not API.
 */
@Provider
// Inside any entity encoder (ENTITY_CODER, such as compression), so it holds the bytes the writer made.
@Priority(Priorities.USER + 1000)
public final class CallbackReplyInterceptor implements WriterInterceptor {

    private final CallbackSetup setup;

    @Inject
    public CallbackReplyInterceptor(CallbackSetup setup) {
        this.setup = setup;
    }

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        if (context.getProperty(OssCallbackFilter.PROPERTY) == null) {
            context.proceed();
            return;
        }
        OutputStream out = context.getOutputStream();
        ByteArrayOutputStream held = new ByteArrayOutputStream(256);
        context.setOutputStream(held);
        try {
            context.proceed();
        } finally {
            context.setOutputStream(out);
        }
        byte[] body = held.toByteArray();
        setup.endpoint().checkReply(contentType(context), body);
        // Quarkus REST's output stream sends a length rather than chunks when the response's headers hold
        // one at its first write. The end of the interceptor chain rebuilt that response from a copy of the
        // headers (WriterInterceptorContext.getHeaders()), so the length goes on the rebuilt one; never on
        // the Vert.x response itself, whose Content-Length that stream takes for "no length known".
        CurrentRequestManager.get().getResponse().get().getHeaders()
                .putSingle("Content-Length", String.valueOf(body.length));
        out.write(body);
    }

    /** The Content-Type the reply goes out with: a header the writer set, or the one Quarkus REST chose. */
    private static String contentType(WriterInterceptorContext context) {
        Object header = context.getHeaders().getFirst("Content-Type");
        if (header != null) {
            return header.toString();
        }
        return context.getMediaType() == null ? null : context.getMediaType().toString();
    }
}
