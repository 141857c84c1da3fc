package io.github.osscallback.servlet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * One request written byte for byte on its own connection, for what an HTTP client would not
 * send: a lower-case method, a Content-Length the body does not reach. The client's side is
 * shut after the body, so the server sees the request end there.
 */
final class RawResponse {
    final int status;
    final String body;

    private RawResponse(int status, String body) {
        this.status = status;
        this.body = body;
    }

    static RawResponse send(URI base, String requestLine, int contentLength, Map<String, String> headers, String body)
            throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder(requestLine.replace(" /", " " + base.getRawPath() + "/"))
                    .append("\r\nHost: ").append(base.getHost()).append(':').append(base.getPort())
                    .append("\r\nContent-Length: ").append(contentLength)
                    .append("\r\nConnection: close");
            headers.forEach((name, value) -> request.append("\r\n").append(name).append(": ").append(value));
            request.append("\r\n\r\n").append(body);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput();
            return parse(socket.getInputStream());
        }
    }

    private static RawResponse parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\r\n\r\n");
        String head = headerEnd < 0 ? text : text.substring(0, headerEnd);
        String rest = headerEnd < 0 ? "" : text.substring(headerEnd + 4);
        int status = Integer.parseInt(head.split(" ", 3)[1]);
        if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
            rest = dechunk(rest);
        }
        return new RawResponse(status, new String(rest.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return status + " " + body;
    }
}
