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
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        return new BodyStream(verified.bodyStream());
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
    static final class BodyStream extends ServletInputStream {
        private final InputStream in;

        BodyStream(InputStream in) {
            this.in = in;
        }

        @Override
        public boolean isFinished() {
            try {
                return in.available() == 0;
            } catch (IOException e) {
                return true; // a stream over bytes in memory cannot fail; were it to, nothing is left to read
            }
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
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }
}
