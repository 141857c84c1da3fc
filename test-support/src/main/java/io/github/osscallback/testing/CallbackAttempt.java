package io.github.osscallback.testing;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One callback request the {@link OssStandIn} made, to one of the upload's callback URLs, and
 * what came of it: the request as sent (URL, headers, body) and the reply, or the reason the
 * stand-in counted it as failed, in OSS's words ({@code Cost too long time.},
 * {@code Response body is not valid json format.}, {@code Error status : 403.}, ...).
 */
public final class CallbackAttempt {

    private final String operation;
    private final String bucket;
    private final String key;
    private final String url;
    private final Map<String, String> headers;
    private final byte[] body;
    private final int status;
    private final byte[] reply;
    private final String failure;

    CallbackAttempt(String operation, String bucket, String key, String url, Map<String, String> headers,
                    byte[] body, int status, byte[] reply, String failure) {
        this.operation = operation;
        this.bucket = bucket;
        this.key = key;
        this.url = url;
        this.headers = Map.copyOf(headers);
        this.body = body.clone();
        this.status = status;
        this.reply = reply.clone();
        this.failure = failure;
    }

    /** The operation that made the callback: {@code PutObject}, {@code PostObject} or {@code CompleteMultipartUpload}. */
    public String operation() {
        return operation;
    }

    /** The bucket of the upload. */
    public String bucket() {
        return bucket;
    }

    /** The object key of the upload. */
    public String key() {
        return key;
    }

    /** The callback URL this attempt went to, as the uploader gave it. */
    public String url() {
        return url;
    }

    /**
     * The headers sent, by lower-case name: {@code host}, {@code content-type},
     * {@code content-length}, {@code authorization} and {@code x-oss-pub-key-url}.
     */
    public Map<String, String> headers() {
        return headers;
    }

    /** A header sent, by case-insensitive name. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The rendered, signed body. */
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The reply's status, or -1 when none arrived (no connection, timeout). */
    public int status() {
        return status;
    }

    /** The reply body (empty when none arrived). */
    public byte[] reply() {
        return reply.clone();
    }

    /** The reply body as UTF-8 text. */
    public String replyAsString() {
        return new String(reply, StandardCharsets.UTF_8);
    }

    /** Whether OSS would count this callback as delivered: 200, a Content-Length, at most 1 MB, JSON. */
    public boolean succeeded() {
        return failure == null;
    }

    /** Why it failed, as OSS words it in the {@code CallbackFailed} error; empty when it succeeded. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        return "CallbackAttempt[" + operation + " " + bucket + "/" + key + " -> " + url + ", status " + status
                + (failure == null ? ", succeeded" : ", failed: " + failure) + "]";
    }
}
