package io.github.osscallback.solon;

import io.github.osscallback.BodyType;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spi.CallbackEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.noear.solon.core.handle.Context;
import org.noear.solon.core.handle.ContextAsyncListener;
import org.noear.solon.core.handle.Cookie;
import org.noear.solon.core.handle.DownloadedFile;
import org.noear.solon.core.handle.SessionState;
import org.noear.solon.core.handle.UploadedFile;
import org.noear.solon.core.util.MultiMap;

/**
 * A verified callback's (or event delivery's) request as the application's handlers see it: the body is exactly the
 * signed body (as bytes, a stream or a string, however often asked), the parameters are the
 * verifier's reading (query first, then form fields; never decoded again here, since a second
 * decoder could read other names), and the reply is held until the handler is done, so it leaves
 * with an exact Content-Length, as OSS requires. Everything else is the server's context.
 *
 * <p>Solon has no context wrapper of its own: this one delegates every method with state to the
 * server's context, so attributes, status, headers and session are one.
 */
final class VerifiedContext extends Context {

    private final Context server;
    /** The verified callback; null for an event delivery. */
    private final CallbackEndpoint.Verified verified;
    private final OssCallback callback;
    /** The verified event delivery; null for a callback. */
    private final EventDelivery delivery;
    private final ByteArrayOutputStream reply = new ByteArrayOutputStream();
    private MultiMap<String> parameters;
    private String bodyNew;
    /** The reply's Content-Type as the application set it: smart-http keeps it where headerOfResponse does not look. */
    private String replyContentType;

    VerifiedContext(Context server, CallbackEndpoint.Verified verified) {
        this.server = server;
        this.verified = verified;
        this.callback = verified.callback();
        this.delivery = null;
    }

    /**
     * A verified event delivery's request: its body is the signed payload, its parameters
     * Solon's reading of the query (a delivery's body is XML or JSON, never a form), and its
     * reply held as a callback's.
     */
    VerifiedContext(Context server, EventDelivery delivery) {
        this.server = server;
        this.verified = null;
        this.callback = null;
        this.delivery = delivery;
    }

    private byte[] verifiedBody() {
        return callback != null ? callback.body() : delivery.body();
    }

    Context server() {
        return server;
    }

    /** The reply the handler wrote, to send with its length. */
    byte[] replyBytes() {
        return reply.toByteArray();
    }

    /** The reply's Content-Type: as the application set it, or as the server holds it (null on smart-http, for its text default). */
    String replyContentType() {
        if (replyContentType != null) {
            return replyContentType;
        }
        String set = server.contentTypeNew();
        return set != null ? set : server.headerOfResponse("Content-Type");
    }

    private void noteContentType(String name, String value) {
        if ("Content-Type".equalsIgnoreCase(name)) {
            replyContentType = value;
        }
    }

    // --- the verified body and parameters ---

    @Override
    public InputStream bodyAsStream() {
        return verified != null ? verified.bodyStream() : new java.io.ByteArrayInputStream(delivery.body());
    }

    @Override
    public byte[] bodyAsBytes() {
        return verifiedBody();
    }

    /** UTF-8, as OSS sends and the verifier read the body: the Content-Type's charset is not signed. */
    @Override
    public String body() {
        return new String(verifiedBody(), StandardCharsets.UTF_8);
    }

    @Override
    public String body(String charset) {
        return body();
    }

    @Override
    public String bodyNew() {
        return bodyNew != null ? bodyNew : body();
    }

    @Override
    public void bodyNew(String bodyNew) {
        this.bodyNew = bodyNew;
    }

    @Override
    public long contentLength() {
        return callback != null ? callback.bodyBuffer().remaining() : delivery.body().length;
    }

    @Override
    public MultiMap<String> paramMap() {
        if (callback == null) {
            return server.paramMap();
        }
        if (parameters == null) {
            MultiMap<String> map = new MultiMap<>(false);
            for (Map.Entry<String, List<String>> query : callback.queryParameters().entrySet()) {
                for (String value : query.getValue()) {
                    map.add(query.getKey(), value);
                }
            }
            if (callback.bodyType() == BodyType.FORM) {
                callback.fields().forEach(map::add);
            }
            parameters = map;
        }
        return parameters;
    }

    /** The verifier read the query; Solon's own reading decodes it again (and names differently). */
    @Override
    public String queryString() {
        return callback != null ? callback.query().orElse("") : server.queryString();
    }

    @Override
    public MultiMap<UploadedFile> fileMap() {
        return new MultiMap<>();
    }

    @Override
    public void filesDelete() {
    }

    // --- the reply, held ---

    @Override
    public boolean isHeadersSent() {
        return false;
    }

    @Override
    public void output(byte[] bytes) {
        reply.write(bytes, 0, bytes.length);
    }

    @Override
    public void output(InputStream stream) {
        try {
            stream.transferTo(reply);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void output(String str) {
        if (str != null) {
            output(str.getBytes(charset));
        }
    }

    @Override
    public OutputStream outputStream() {
        return reply;
    }

    @Override
    public GZIPOutputStream outputStreamAsGzip() throws IOException {
        server.headerSet("Vary", "Accept-Encoding");
        server.headerSet("Content-Encoding", "gzip");
        return new GZIPOutputStream(reply, 4096, true);
    }

    /** A callback's reply is JSON for OSS; a file would bypass the length the filter sets. */
    @Override
    public void outputAsFile(DownloadedFile file) {
        throw new UnsupportedOperationException("a verified OSS request (callback or event) is answered with its length held, not with a file");
    }

    @Override
    public void outputAsFile(File file) {
        throw new UnsupportedOperationException("a verified OSS request (callback or event) is answered with its length held, not with a file");
    }

    /** Set by the filter from what was written. */
    @Override
    public void contentLength(long size) {
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    /** A reply made later could not be held for its length: callbacks are answered before the handler returns. */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void asyncListener(ContextAsyncListener listener) {
        throw asyncRefused();
    }

    @Override
    public void asyncStart(long timeout, Runnable runnable) {
        throw asyncRefused();
    }

    @Override
    public boolean asyncStarted() {
        return false;
    }

    @Override
    public void asyncComplete() {
    }

    private static UnsupportedOperationException asyncRefused() {
        return new UnsupportedOperationException("a verified OSS request (callback or event) is answered before its handler returns:"
                + " the reply is held to send it with an exact Content-Length");
    }

    // --- everything else is the server's ---

    @Override
    public Object request() {
        return server.request();
    }

    @Override
    public Object response() {
        return server.response();
    }

    @Override
    public Object pull(Class<?> clz) {
        return server.pull(clz);
    }

    @Override
    public Locale getLocale() {
        return server.getLocale();
    }

    @Override
    public void setLocale(Locale locale) {
        server.setLocale(locale);
    }

    @Override
    public String getVersion() {
        return server.getVersion();
    }

    @Override
    public void setVersion(String version) {
        server.setVersion(version);
    }

    @Override
    public void setHandled(boolean handled) {
        server.setHandled(handled);
    }

    @Override
    public boolean getHandled() {
        return server.getHandled();
    }

    @Override
    public void setRendered(boolean rendered) {
        server.setRendered(rendered);
    }

    @Override
    public boolean getRendered() {
        return server.getRendered();
    }

    @Override
    public String remoteIp() {
        return server.remoteIp();
    }

    @Override
    public int remotePort() {
        return server.remotePort();
    }

    @Override
    public String realIp() {
        return server.realIp();
    }

    @Override
    public boolean autoMultipart() {
        return false;
    }

    @Override
    public void autoMultipart(boolean auto) {
    }

    @Override
    public String method() {
        return server.method();
    }

    @Override
    public String protocol() {
        return server.protocol();
    }

    @Override
    public URI uri() {
        return server.uri();
    }

    @Override
    public String path() {
        return server.path();
    }

    @Override
    public void pathNew(String pathNew) {
        server.pathNew(pathNew);
    }

    @Override
    public String pathNew() {
        return server.pathNew();
    }

    @Override
    public boolean isSecure() {
        return server.isSecure();
    }

    @Override
    public String url() {
        return server.url();
    }

    @Override
    public String contentType() {
        return server.contentType();
    }

    @Override
    public String contentCharset() {
        return StandardCharsets.UTF_8.name();
    }

    @Override
    public String accept() {
        return server.accept();
    }

    @Override
    public void accept(String acceptNew) {
        server.accept(acceptNew);
    }

    @Override
    public String acceptNew() {
        return server.acceptNew();
    }

    @Override
    public MultiMap<String> cookieMap() {
        return server.cookieMap();
    }

    @Override
    public MultiMap<String> headerMap() {
        return server.headerMap();
    }

    @Override
    public SessionState sessionState(boolean create) {
        return server.sessionState(create);
    }

    @Override
    public SessionState sessionState() {
        return server.sessionState();
    }

    @Override
    public String sessionId() {
        return server.sessionId();
    }

    @Override
    public <T> T session(String name, Class<T> clz) {
        return server.session(name, clz);
    }

    @Override
    public <T> T sessionOrDefault(String name, T def) {
        return server.sessionOrDefault(name, def);
    }

    @Override
    public int sessionAsInt(String name) {
        return server.sessionAsInt(name);
    }

    @Override
    public int sessionAsInt(String name, int def) {
        return server.sessionAsInt(name, def);
    }

    @Override
    public long sessionAsLong(String name) {
        return server.sessionAsLong(name);
    }

    @Override
    public long sessionAsLong(String name, long def) {
        return server.sessionAsLong(name, def);
    }

    @Override
    public double sessionAsDouble(String name) {
        return server.sessionAsDouble(name);
    }

    @Override
    public double sessionAsDouble(String name, double def) {
        return server.sessionAsDouble(name, def);
    }

    @Override
    public void sessionSet(String name, Object val) {
        server.sessionSet(name, val);
    }

    @Override
    public void sessionRemove(String name) {
        server.sessionRemove(name);
    }

    @Override
    public void sessionClear() {
        server.sessionClear();
    }

    @Override
    public void sessionReset() {
        server.sessionReset();
    }

    /** Kept here too: {@link #output(String)} encodes with it. */
    @Override
    public void charset(String charset) {
        super.charset(charset);
        server.charset(charset);
    }

    @Override
    public void contentType(String contentType) {
        replyContentType = contentType;
        server.contentType(contentType);
    }

    @Override
    public String contentTypeNew() {
        return server.contentTypeNew();
    }

    @Override
    protected void contentTypeDoSet(String contentType) {
        contentType(contentType);
    }

    @Override
    public void keepAlive(int timeout) {
        server.keepAlive(timeout);
    }

    @Override
    public void cacheControl(String strategy) {
        server.cacheControl(strategy);
    }

    @Override
    public void headerSet(String name, String val) {
        noteContentType(name, val);
        server.headerSet(name, val);
    }

    @Override
    public void headerAdd(String name, String val) {
        noteContentType(name, val);
        server.headerAdd(name, val);
    }

    @Override
    public String headerOfResponse(String name) {
        return server.headerOfResponse(name);
    }

    @Override
    public Collection<String> headerValuesOfResponse(String name) {
        return server.headerValuesOfResponse(name);
    }

    @Override
    public Collection<String> headerNamesOfResponse() {
        return server.headerNamesOfResponse();
    }

    @Override
    public void cookieSet(Cookie cookie) {
        server.cookieSet(cookie);
    }

    @Override
    public void redirect(String url, int code) {
        server.redirect(url, code);
    }

    @Override
    public int status() {
        return server.status();
    }

    @Override
    public void status(int status) {
        server.status(status);
    }

    @Override
    public void status(int status, String message) {
        server.status(status, message);
    }

    @Override
    protected void statusDoSet(int status) {
        server.status(status);
    }

    @Override
    public Map<String, Object> attrMap() {
        return server.attrMap();
    }

    @Override
    public <T> T attrOrDefault(String name, T def) {
        return server.attrOrDefault(name, def);
    }

    @Override
    public <T> T attr(String name) {
        return server.attr(name);
    }

    @Override
    public void attrSet(String name, Object val) {
        server.attrSet(name, val);
    }

    @Override
    public void attrSet(Map<String, Object> map) {
        server.attrSet(map);
    }

    @Override
    public Collection<String> attrNames() {
        return server.attrNames();
    }

    @Override
    public void attrsClear() {
        server.attrsClear();
    }

    @Override
    public boolean remoting() {
        return server.remoting();
    }

    @Override
    public void remotingSet(boolean remoting) {
        server.remotingSet(remoting);
    }
}
