package io.github.osscallback;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP request as an MNS or EventBridge delivery reached the application, for
 * {@link EventVerifier#verify}: the method, the raw request target, the headers exactly as sent,
 * the body bytes, and (for EventBridge, which signs it) the full URL the target was configured
 * with. Immutable.
 */
public final class EventRequest {

    private final String method;
    private final String target;
    private final String url;
    private final Map<String, List<String>> headers;
    private final byte[] body;

    private EventRequest(EventRequest head, byte[] body) {
        this.method = head.method;
        this.target = head.target;
        this.url = head.url;
        this.headers = head.headers;
        this.body = body;
    }

    private EventRequest(Builder b) {
        this.method = b.method;
        this.target = b.target;
        this.url = b.url;
        Map<String, List<String>> copy = new LinkedHashMap<>();
        b.headers.forEach((name, values) -> copy.put(name, List.copyOf(values)));
        this.headers = Collections.unmodifiableMap(copy);
        this.body = b.body.clone();
    }

    /**
     * Starts a request.
     *
     * @param method the request method as received
     * @param target the raw request target as received: path and {@code ?query}, not decoded (MNS signs it so)
     */
    public static Builder builder(String method, String target) {
        return new Builder(method, target);
    }

    /** The request method as received. */
    public String method() {
        return method;
    }

    /** The raw request target: path and {@code ?query}, as received. */
    public String target() {
        return target;
    }

    /** The full URL with query, as the sender was configured to push to; EventBridge signs it. */
    public Optional<String> url() {
        return Optional.ofNullable(url);
    }

    /** Every value of a header, by case-insensitive name, in the order received; empty if absent. */
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** All headers, by lower-case name. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** A copy of the body bytes. */
    public byte[] body() {
        return body.clone();
    }

    byte[] bodyBytes() {
        return body;
    }

    /** This request with a body the verifier read itself (not copied: it is the verifier's own array). */
    EventRequest withBody(byte[] read) {
        return new EventRequest(this, read);
    }

    @Override
    public String toString() {
        return "EventRequest[" + method + " " + headers.keySet() + ", " + body.length + " body bytes]";
    }

    /** Builds an {@link EventRequest}. */
    public static final class Builder {
        private final String method;
        private final String target;
        private String url;
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private byte[] body = new byte[0];

        private Builder(String method, String target) {
            this.method = Objects.requireNonNull(method, "method");
            this.target = Objects.requireNonNull(target, "target");
            if (!target.startsWith("/")) {
                throw new IllegalArgumentException("the request target must be the raw path (and query) as received,"
                        + " starting with '/'");
            }
        }

        /** The full URL with query that the EventBridge target was configured with (it is signed). */
        public Builder url(String url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /** Adds a header value as sent; call again for a repeated header. */
        public Builder header(String name, String value) {
            Objects.requireNonNull(value, "value");
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
            return this;
        }

        /** The body bytes as received. */
        public Builder body(byte[] body) {
            this.body = body.clone();
            return this;
        }

        /** The immutable request. */
        public EventRequest build() {
            return new EventRequest(this);
        }
    }
}
