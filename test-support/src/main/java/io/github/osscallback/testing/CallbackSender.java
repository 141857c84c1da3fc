package io.github.osscallback.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Sends one callback request over a plain socket and judges the reply as OSS does. A socket
 * rather than the JDK client, because OSS sets the {@code Host} header from {@code callbackHost}
 * (a restricted header for {@code java.net.http}) and because the reply's own framing matters:
 * OSS fails a reply without Content-Length or over 1 MB (PROTOCOL.md, "The answer OSS expects").
 */
final class CallbackSender {

    static final int MAX_REPLY_BYTES = 1024 * 1024;
    static final String CANNOT_CONNECT = "Error status : -1.OSS can not connect to your callbackUrl, please check it.";
    static final String TOO_SLOW = "Cost too long time.";
    static final String NOT_JSON = "Response body is not valid json format.";
    static final String BAD_LENGTH = "Error status : 400.User server return too long content-length value.";

    private CallbackSender() {
    }

    /** The outcome of one request: status (-1 for none), reply body, and the failure message or null. */
    static final class Outcome {
        final int status;
        final byte[] reply;
        final String failure;

        Outcome(int status, byte[] reply, String failure) {
            this.status = status;
            this.reply = reply;
            this.failure = failure;
        }
    }

    /**
     * POSTs the body to the URL (http, loopback only) with the given headers, which must include
     * {@code host}; gives up after the timeout, as OSS does after 5 seconds.
     */
    static Outcome post(URI url, Map<String, String> headers, byte[] body, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        InetAddress address;
        try {
            if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
                return new Outcome(-1, new byte[0], CANNOT_CONNECT);
            }
            address = InetAddress.getByName(url.getHost());
        } catch (UnknownHostException e) {
            return new Outcome(-1, new byte[0], CANNOT_CONNECT);
        }
        if (!address.isLoopbackAddress()) {
            // A test tool must never call out: the stand-in delivers to loopback only.
            return new Outcome(-1, new byte[0], CANNOT_CONNECT);
        }
        int port = url.getPort() == -1 ? 80 : url.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), remainingMillis(deadline));
            OutputStream out = socket.getOutputStream();
            out.write(requestHead(url, headers).getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return readReply(socket, deadline);
        } catch (SocketTimeoutException e) {
            return new Outcome(-1, new byte[0], TOO_SLOW);
        } catch (IOException e) {
            return new Outcome(-1, new byte[0], CANNOT_CONNECT);
        }
    }

    private static String requestHead(URI url, Map<String, String> headers) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        StringBuilder head = new StringBuilder("POST ").append(path);
        if (url.getRawQuery() != null) {
            head.append('?').append(url.getRawQuery());
        }
        head.append(" HTTP/1.1\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        return head.append("Connection: close\r\n\r\n").toString();
    }

    private static Outcome readReply(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        String statusLine = readLine(socket, in, deadline);
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
        } catch (NumberFormatException e) {
            status = -1;
        }
        if (status < 100 || status > 999) {
            return new Outcome(-1, new byte[0], CANNOT_CONNECT);
        }
        Map<String, String> replyHeaders = new LinkedHashMap<>();
        for (String line = readLine(socket, in, deadline); !line.isEmpty(); line = readLine(socket, in, deadline)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                replyHeaders.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        if (status != 200) {
            return new Outcome(status, readAvailableBody(socket, in, replyHeaders, deadline), "Error status : " + status + ".");
        }
        String declared = replyHeaders.get("content-length");
        long length;
        try {
            length = declared == null ? -1 : Long.parseLong(declared);
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0 || length > MAX_REPLY_BYTES) {
            return new Outcome(status, new byte[0], BAD_LENGTH);
        }
        byte[] reply = readExactly(socket, in, (int) length, deadline);
        if (!StandInJson.isJson(reply)) {
            return new Outcome(status, reply, NOT_JSON);
        }
        return new Outcome(status, reply, null);
    }

    /** The body of a failed reply, for the record only: what its Content-Length names, capped. */
    private static byte[] readAvailableBody(Socket socket, InputStream in, Map<String, String> headers, long deadline) {
        try {
            long length = Long.parseLong(headers.getOrDefault("content-length", "0"));
            return readExactly(socket, in, (int) Math.min(length, MAX_REPLY_BYTES), deadline);
        } catch (NumberFormatException | IOException e) {
            return new byte[0];
        }
    }

    private static byte[] readExactly(Socket socket, InputStream in, int length, long deadline) throws IOException {
        byte[] data = new byte[length];
        int read = 0;
        while (read < length) {
            socket.setSoTimeout(remainingMillis(deadline));
            int n = in.read(data, read, length - read);
            if (n < 0) {
                throw new IOException("reply ended after " + read + " of " + length + " bytes");
            }
            read += n;
        }
        return data;
    }

    private static String readLine(Socket socket, InputStream in, long deadline) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            socket.setSoTimeout(remainingMillis(deadline));
            int b = in.read();
            if (b < 0) {
                throw new IOException("reply ended inside its head");
            }
            if (b == '\n') {
                String text = line.toString(StandardCharsets.ISO_8859_1);
                return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
            }
            if (line.size() > 16 * 1024) {
                throw new IOException("reply head line too long");
            }
            line.write(b);
        }
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long millis = (deadline - System.nanoTime()) / 1_000_000;
        if (millis <= 0) {
            throw new SocketTimeoutException("callback deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, millis);
    }
}
