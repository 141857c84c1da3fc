package io.github.osscallback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.osscallback.internal.JsonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer to send to OSS: a status, {@code application/json}, and a UTF-8 JSON body whose exact
 * byte length is the Content-Length. OSS relays the body to the uploading client; it treats a
 * missing Content-Length, a non-JSON body or a body over 1 MB as a failed callback (docs/protocol.md in the repository).
 */
public final class CallbackReply {

    /** OSS refuses reply bodies over 1 MB. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    /** The content type of every reply. */
    public static final String CONTENT_TYPE = "application/json";

    private static final CallbackReply OK = new CallbackReply(200,
            "{\"Status\":\"OK\"}".getBytes(StandardCharsets.UTF_8));

    /** Rejection replies depend on the reason alone, so each is rendered once. */
    private static final Map<CallbackRejectedException.Reason, CallbackReply> REJECTIONS = renderRejections();

    private final int status;
    private final byte[] body;
    private final Map<String, String> headers;

    private CallbackReply(int status, byte[] body, Map<String, String> headers) {
        this.status = status;
        this.body = body;
        this.headers = headers;
    }

    private CallbackReply(int status, byte[] body) {
        this(status, body, Map.of());
    }

    /** A 200 reply with the body {@code {"Status":"OK"}}. */
    public static CallbackReply ok() {
        return OK;
    }

    /**
     * A 200 reply rendering the given map as a JSON object; values may be strings, numbers,
     * booleans, lists and nested maps.
     *
     * @throws IllegalArgumentException if a value cannot be rendered or the body exceeds 1 MB
     */
    public static CallbackReply json(Map<String, ?> body) {
        Objects.requireNonNull(body, "body");
        try {
            return of200(JsonCodec.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("reply body cannot be rendered as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * A 200 reply with the given JSON text as its body.
     *
     * @throws IllegalArgumentException if the text is not a single JSON value or exceeds 1 MB
     */
    public static CallbackReply json(String json) {
        Objects.requireNonNull(json, "json");
        try {
            JsonNode ignored = JsonCodec.MAPPER.readTree(json);
            if (ignored == null || ignored.isMissingNode()) {
                throw new IllegalArgumentException("reply body is empty; OSS expects JSON");
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("reply body is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return of200(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The reply to a rejection: the reason's status and a JSON body naming the reason code. */
    static CallbackReply rejection(CallbackRejectedException.Reason reason) {
        return REJECTIONS.get(Objects.requireNonNull(reason, "reason"));
    }

    private static Map<CallbackRejectedException.Reason, CallbackReply> renderRejections() {
        Map<CallbackRejectedException.Reason, CallbackReply> replies = new EnumMap<>(CallbackRejectedException.Reason.class);
        for (CallbackRejectedException.Reason reason : CallbackRejectedException.Reason.values()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", "REJECTED");
            body.put("reason", reason.code());
            // RFC 9110: a 405 names the methods the resource does accept.
            Map<String, String> headers = reason == CallbackRejectedException.Reason.METHOD_NOT_ALLOWED
                    ? Map.of("Allow", "POST") : Map.of();
            try {
                replies.put(reason, new CallbackReply(reason.httpStatus(), JsonCodec.MAPPER.writeValueAsBytes(body), headers));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return replies;
    }

    private static CallbackReply of200(byte[] body) {
        if (body.length > MAX_BODY_BYTES) {
            throw new IllegalArgumentException("reply body is " + body.length
                    + " bytes; OSS accepts at most " + MAX_BODY_BYTES);
        }
        return new CallbackReply(200, body);
    }

    /** The HTTP status to answer with. */
    public int status() {
        return status;
    }

    /** Always {@value #CONTENT_TYPE}. */
    public String contentType() {
        return CONTENT_TYPE;
    }

    /**
     * Headers to send besides Content-Type and Content-Length: {@code Allow: POST} on a
     * {@code method_not_allowed} rejection, none otherwise.
     */
    public Map<String, String> headers() {
        return headers;
    }

    /** The exact number of body bytes, to send as Content-Length. */
    public int contentLength() {
        return body.length;
    }

    /** A copy of the UTF-8 body. */
    public byte[] body() {
        return body.clone();
    }

    /** The body as text. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Writes the body bytes, without copying them. */
    public void writeBodyTo(OutputStream out) throws IOException {
        out.write(body);
    }

    @Override
    public String toString() {
        return "CallbackReply[" + status + " " + bodyAsString() + "]";
    }
}
