package io.github.osscallback;

import io.github.osscallback.internal.LogSafe;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of an HTTP request that a callback verification needs, independent of any server
 * API: method, the path exactly as received (still percent-encoded), the raw query, the headers
 * and the body bytes. Adapters build one per request; header names are case-insensitive.
 */
public final class CallbackRequest {

    /** The header carrying the base64 RSA signature. */
    public static final String AUTHORIZATION = "authorization";
    /** The header carrying the base64 URL of the signing key. */
    public static final String PUB_KEY_URL = "x-oss-pub-key-url";
    /** The body's content type. */
    public static final String CONTENT_TYPE = "content-type";
    /** The headers a verifier reads; adapters need pass no others. */
    public static final List<String> HEADERS_READ = List.of(AUTHORIZATION, PUB_KEY_URL, CONTENT_TYPE);

    private static final byte[] EMPTY = new byte[0];

    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final byte[] body;

    private CallbackRequest(Builder b) {
        this.method = b.method == null ? "POST" : b.method;
        this.path = b.path;
        this.query = b.query;
        // Keyed by lower-case name: a hash lookup per header on the hot path, not case-folding comparisons.
        // Values are immutable lists already unless a header came more than once (List.copyOf keeps
        // those as they are), and the map never leaves this request: one copy, of the map alone.
        Map<String, List<String>> copy = new HashMap<>(b.headers.size() * 4 / 3 + 1);
        for (Map.Entry<String, List<String>> header : b.headers.entrySet()) {
            copy.put(header.getKey(), List.copyOf(header.getValue()));
        }
        this.headers = copy;
        this.body = b.body == null ? EMPTY : b.body;
    }

    private CallbackRequest(CallbackRequest head, byte[] body) {
        this.method = head.method;
        this.path = head.path;
        this.query = head.query;
        this.headers = head.headers;
        this.body = body;
    }

    /** This request with the body the verifier read for it. */
    CallbackRequest withBody(byte[] read) {
        return new CallbackRequest(this, read);
    }

    /** Starts a request; method defaults to POST and body to empty. */
    public static Builder builder() {
        return new Builder();
    }

    /** The HTTP method. */
    public String method() {
        return method;
    }

    /** The path as received, percent-encoded, starting with {@code /}. */
    public String path() {
        return path;
    }

    /** The raw query without the {@code ?}, or null when the request had none. */
    public String query() {
        return query;
    }

    /** All values of a header, matched case-insensitively; empty if absent. */
    public List<String> headers(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null ? List.of() : values;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** The body bytes; not copied, so callers must not change them. */
    byte[] bodyBytes() {
        return body;
    }

    /** The body length in bytes. */
    public int bodyLength() {
        return body.length;
    }

    @Override
    public String toString() {
        return "CallbackRequest[" + LogSafe.text(method) + " " + LogSafe.text(path)
                + (query == null ? "" : "?" + LogSafe.queryNames(query)) + ", " + body.length + " body bytes]";
    }

    /** Builds a {@link CallbackRequest}. */
    public static final class Builder {
        private String method;
        private String path;
        private String query;
        private boolean querySet;
        /** By lower-case name, so names differing only in case are one header with several values. */
        private final Map<String, List<String>> headers = new HashMap<>();
        private byte[] body;

        private Builder() {
        }

        /**
         * Each option at most once, as in every builder. Built once per request, so the check
         * keeps no set of names: an option is set when its field is.
         */
        private static void once(boolean alreadySet, String option) {
            if (alreadySet) {
                throw new IllegalStateException(option + " was already set");
            }
        }

        /**
         * The HTTP method exactly as received, e.g. from {@code HttpServletRequest.getMethod()}.
         * Not normalised: methods are case-sensitive, and a container that reads a body only for
         * {@code POST} would hand a {@code post} request over without one.
         */
        public Builder method(String method) {
            once(this.method != null, "method");
            this.method = Objects.requireNonNull(method, "method");
            return this;
        }

        /** The path exactly as received, still percent-encoded (e.g. {@code getRequestURI()}). */
        public Builder path(String rawPath) {
            once(this.path != null, "path");
            this.path = Objects.requireNonNull(rawPath, "rawPath");
            return this;
        }

        /** The raw query without {@code ?} (e.g. {@code getQueryString()}); null when there is none. */
        public Builder query(String rawQuery) {
            once(querySet, "query");
            this.querySet = true;
            this.query = rawQuery;
            return this;
        }

        /** Adds one header value; repeated calls for one name keep every value. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            String key = name.toLowerCase(Locale.ROOT);
            List<String> values = headers.get(key);
            if (values == null) {
                headers.put(key, List.of(value)); // the usual single value: no list to grow, none to copy
            } else {
                if (!(values instanceof ArrayList)) {
                    values = new ArrayList<>(values);
                    headers.put(key, values);
                }
                values.add(value);
            }
            return this;
        }

        /**
         * The raw body bytes; the array is kept, not copied, so do not change it afterwards: the
         * verified callback reads its body, and the values of its fields, from it.
         */
        public Builder body(byte[] body) {
            once(this.body != null, "body");
            this.body = Objects.requireNonNull(body, "body");
            return this;
        }

        /** The immutable request. */
        public CallbackRequest build() {
            if (path == null) {
                throw new IllegalStateException("path is required");
            }
            return new CallbackRequest(this);
        }
    }
}
