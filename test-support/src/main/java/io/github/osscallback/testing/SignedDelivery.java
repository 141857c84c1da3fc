package io.github.osscallback.testing;

import io.github.osscallback.EventRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One signed delivery from {@link MnsPusher} or {@link EventBridgeDeliverer}: method, request
 * target, full URL, headers and body. The {@code with...} methods return a changed copy without
 * signing it again, as a tampering proxy would. {@link #send} delivers it over HTTP/1.1 exactly
 * as written (header names, values, order); {@link #toEventRequest} hands it to a verifier
 * directly. Immutable.
 */
public final class SignedDelivery {

    private final String method;
    private final String target;
    private final String url;
    private final Map<String, String> headers;
    private final byte[] body;

    SignedDelivery(String method, String target, String url, Map<String, String> headers, byte[] body) {
        this.method = method;
        this.target = target;
        this.url = url;
        this.headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        this.body = body.clone();
    }

    /** The request method. */
    public String method() {
        return method;
    }

    /** The raw request target (path and query). */
    public String target() {
        return target;
    }

    /** The full URL the delivery was made for. */
    public String url() {
        return url;
    }

    /** The headers, in sending order. */
    public Map<String, String> headers() {
        return headers;
    }

    /** A header's value by case-insensitive name, or null. */
    public String header(String name) {
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    /** A copy of the body. */
    public byte[] body() {
        return body.clone();
    }

    /** This delivery with a header set (replacing one of the same name), not signed again. */
    public SignedDelivery withHeader(String name, String value) {
        Map<String, String> changed = new LinkedHashMap<>();
        boolean replaced = false;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                if (!replaced) {
                    changed.put(name, value);
                    replaced = true;
                }
            } else {
                changed.put(h.getKey(), h.getValue());
            }
        }
        if (!replaced) {
            changed.put(name, value);
        }
        return new SignedDelivery(method, target, url, changed, body);
    }

    /** This delivery without a header, not signed again. */
    public SignedDelivery withoutHeader(String name) {
        Map<String, String> changed = new LinkedHashMap<>(headers);
        changed.keySet().removeIf(n -> n.equalsIgnoreCase(name));
        return new SignedDelivery(method, target, url, changed, body);
    }

    /** This delivery with another body, not signed again. */
    public SignedDelivery withBody(byte[] newBody) {
        return new SignedDelivery(method, target, url, headers, newBody);
    }

    /** This delivery to another request target and URL, not signed again. */
    public SignedDelivery withTarget(String newTarget, String newUrl) {
        return new SignedDelivery(method, newTarget, newUrl, headers, body);
    }

    /** This delivery with another method, not signed again. */
    public SignedDelivery withMethod(String newMethod) {
        return new SignedDelivery(newMethod, target, url, headers, body);
    }

    /** The delivery as the verifier's request type, as an adapter would build it. */
    public EventRequest toEventRequest() {
        EventRequest.Builder request = EventRequest.builder(method, target).url(url).body(body);
        headers.forEach(request::header);
        return request.build();
    }

    /**
     * Sends the delivery to a loopback server ({@code http://127.0.0.1:port}) at its request target,
     * over a plain socket so header names, values and order are exactly the signed ones, and returns
     * the status the server answered.
     */
    public int send(URI server) throws IOException {
        Objects.requireNonNull(server, "server");
        if (!"http".equals(server.getScheme()) || server.getPort() < 0) {
            throw new IllegalArgumentException("send goes to http://host:port, got " + server);
        }
        try (Socket socket = new Socket(server.getHost(), server.getPort())) {
            socket.setSoTimeout(10_000);
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(server.getHost()).append(':').append(server.getPort()).append("\r\n");
            headers.forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
            head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
                line.write(c);
            }
            String status = line.toString(StandardCharsets.ISO_8859_1);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].toUpperCase(Locale.ROOT).startsWith("HTTP/")) {
                throw new IOException("not an HTTP status line: " + status.strip());
            }
            return Integer.parseInt(parts[1].strip());
        }
    }

    @Override
    public String toString() {
        return "SignedDelivery[" + method + " " + target + ", " + headers.keySet() + "]";
    }
}
