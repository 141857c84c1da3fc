package io.github.osscallback.cli;

import io.github.osscallback.CallbackRequest;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A raw HTTP/1.1 request as captured (tcpdump, a proxy's log, a file written by hand): request
 * line, headers, a blank line, the body; lines end in CRLF or LF. The head is read leniently as
 * to line endings only; the body is taken byte for byte up to Content-Length when declared (without
 * one, less the file's final line ending, as an editor or printf leaves it), chunked bodies are decoded.
 */
final class RawRequest {

    private RawRequest() {
    }

    /** Parses the bytes; {@link Main.BadInput} naming the line when they are not an HTTP request. */
    static CallbackRequest parse(byte[] raw) {
        int at = 0;
        // Leading blank lines are allowed (RFC 9112, 2.2).
        while (at < raw.length && (raw[at] == '\r' || raw[at] == '\n')) {
            at++;
        }
        int lineEnd = lineEnd(raw, at);
        if (lineEnd < 0) {
            throw new Main.BadInput("the request has no request line (METHOD /path HTTP/1.1)");
        }
        String requestLine = line(raw, at, lineEnd);
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/") || parts[0].isEmpty()) {
            throw new Main.BadInput("line 1 is not a request line (METHOD /path HTTP/1.1): "
                    + printable(requestLine));
        }
        CallbackRequest.Builder request = CallbackRequest.builder().method(parts[0]);
        target(parts[1], request);
        at = next(raw, lineEnd);
        long contentLength = -1;
        boolean chunked = false;
        int lineNumber = 1;
        while (true) {
            lineNumber++;
            lineEnd = lineEnd(raw, at);
            if (lineEnd < 0) {
                throw new Main.BadInput("the headers do not end in a blank line (line " + lineNumber + ")");
            }
            String header = line(raw, at, lineEnd);
            at = next(raw, lineEnd);
            if (header.isEmpty()) {
                break;
            }
            int colon = header.indexOf(':');
            if (colon <= 0 || header.charAt(0) == ' ' || header.charAt(0) == '\t' || header.substring(0, colon).contains(" ")) {
                throw new Main.BadInput("line " + lineNumber + " is not a header (Name: value): " + printable(header));
            }
            String name = header.substring(0, colon);
            String value = header.substring(colon + 1).trim();
            request.header(name, value);
            if (name.equalsIgnoreCase("content-length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new Main.BadInput("line " + lineNumber + ": Content-Length is not a number: " + printable(value));
                }
            }
            if (name.equalsIgnoreCase("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, Math.min(at, raw.length), raw.length);
        if (chunked) {
            body = dechunk(body);
        } else if (contentLength >= 0 && contentLength < body.length) {
            body = java.util.Arrays.copyOf(body, (int) contentLength);
        } else if (contentLength < 0) {
            // Written by hand or by an editor: the file's last line ending is not the body's (OSS always
            // sends Content-Length, so a real capture keeps its exact body).
            int end = body.length;
            if (end > 0 && body[end - 1] == '\n') {
                end--;
                if (end > 0 && body[end - 1] == '\r') {
                    end--;
                }
            }
            body = java.util.Arrays.copyOf(body, end);
        }
        return request.body(body).build();
    }

    private static void target(String target, CallbackRequest.Builder request) {
        String pathAndQuery = target;
        if (!target.startsWith("/")) {
            try {
                URI uri = new URI(target);
                if (uri.getRawAuthority() == null) {
                    throw new Main.BadInput("the request target is neither /path nor an absolute URL: " + printable(target));
                }
                pathAndQuery = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            } catch (URISyntaxException e) {
                throw new Main.BadInput("the request target is not a URL: " + e.getMessage());
            }
        }
        int question = pathAndQuery.indexOf('?');
        request.path(question < 0 ? pathAndQuery : pathAndQuery.substring(0, question));
        request.query(question < 0 ? null : pathAndQuery.substring(question + 1));
    }

    private static byte[] dechunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (true) {
            int end = lineEnd(chunked, at);
            if (end < 0) {
                throw new Main.BadInput("the chunked body ends without its last (0) chunk");
            }
            String size = line(chunked, at, end);
            int semicolon = size.indexOf(';');
            int length;
            try {
                length = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new Main.BadInput("the chunked body has a chunk size that is not hex: " + printable(size));
            }
            at = next(chunked, end);
            if (length == 0) {
                return out.toByteArray();
            }
            if (at + length > chunked.length) {
                throw new Main.BadInput("the chunked body ends inside a chunk");
            }
            out.write(chunked, at, length);
            at = at + length;
            int after = lineEnd(chunked, at);
            at = after < 0 ? chunked.length : next(chunked, after);
        }
    }

    /** Index of the LF ending the line at {@code from}, or -1. */
    private static int lineEnd(byte[] raw, int from) {
        for (int i = from; i < raw.length; i++) {
            if (raw[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int next(byte[] raw, int lf) {
        return lf + 1;
    }

    /** The line's text without its CR; a head is ISO-8859-1 (RFC 9110, 5.5). */
    private static String line(byte[] raw, int from, int lf) {
        int end = lf > from && raw[lf - 1] == '\r' ? lf - 1 : lf;
        return new String(raw, from, end - from, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[\\p{Cntrl}]", "?");
    }
}
