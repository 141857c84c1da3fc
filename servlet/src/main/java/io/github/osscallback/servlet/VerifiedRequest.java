package io.github.osscallback.servlet;

import io.github.osscallback.BodyType;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spi.CallbackEndpoint;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The request handed downstream: the body the filter consumed is served again from memory, as a
 * stream, a reader, or (for form bodies) parameters, since the container's own parameter parsing
 * would find the stream already read.
 */
final class VerifiedRequest extends HttpServletRequestWrapper {

    private final CallbackEndpoint.Verified verified;
    private final OssCallback callback;
    private Map<String, String[]> parameters;

    VerifiedRequest(HttpServletRequest request, CallbackEndpoint.Verified verified) {
        super(request);
        this.verified = verified;
        this.callback = verified.callback();
    }

    /** Built on first use: most callback handlers never ask for parameters. */
    private Map<String, String[]> parameters() {
        if (parameters == null) {
            parameters = parameters(callback.queryParameters(),
                    callback.bodyType() == BodyType.FORM ? callback.fields() : Map.of());
        }
        return parameters;
    }

    /**
     * Query parameters first, then body parameters, as the Servlet specification orders them; both
     * as the verifier read them, never decoded again here (a second decoder could read other names).
     */
    private static Map<String, String[]> parameters(Map<String, List<String>> query, Map<String, String> formFields) {
        Map<String, List<String>> collected = new LinkedHashMap<>();
        query.forEach((name, values) -> collected.put(name, new ArrayList<>(values)));
        formFields.forEach((name, value) -> collected.computeIfAbsent(name, n -> new ArrayList<>()).add(value));
        Map<String, String[]> out = new LinkedHashMap<>();
        collected.forEach((name, values) -> out.put(name, values.toArray(new String[0])));
        return Collections.unmodifiableMap(out);
    }

    @Override
    public ServletInputStream getInputStream() {
        return new BodyStream(callback.bodyBuffer());
    }

    /** UTF-8, as OSS sends and the verifier read the body: the Content-Type's charset is not signed. */
    @Override
    public BufferedReader getReader() {
        return new BufferedReader(new InputStreamReader(verified.bodyStream(), StandardCharsets.UTF_8));
    }

    @Override
    public String getCharacterEncoding() {
        return StandardCharsets.UTF_8.name();
    }

    @Override
    public int getContentLength() {
        return callback.bodyBuffer().remaining();
    }

    @Override
    public long getContentLengthLong() {
        return getContentLength();
    }

    @Override
    public String getParameter(String name) {
        String[] values = parameters().get(name);
        return values == null ? null : values[0];
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return parameters();
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(parameters().keySet());
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] values = parameters().get(name);
        return values == null ? null : values.clone();
    }

    /** A fresh stream over the buffered body; it is always ready and never blocks. */
    private static final class BodyStream extends ServletInputStream {
        private final ByteBuffer in;

        BodyStream(ByteBuffer in) {
            this.in = in;
        }

        @Override
        public boolean isFinished() {
            return !in.hasRemaining();
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            try {
                if (!isFinished()) {
                    listener.onDataAvailable();
                }
                listener.onAllDataRead();
            } catch (IOException e) {
                listener.onError(e);
            }
        }

        @Override
        public int read() {
            return in.hasRemaining() ? in.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!in.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, in.remaining());
            in.get(b, off, n);
            return n;
        }

        @Override
        public int available() {
            return in.remaining();
        }
    }
}
