package io.github.osscallback;

import java.util.Objects;

/**
 * Thrown when a request is not a genuine, well-formed OSS callback (or, from {@link EventVerifier},
 * not a genuine MNS or EventBridge event delivery). The {@link Reason} says why,
 * which HTTP status to answer with, and a stable code for logs and error bodies.
 */
public final class CallbackRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a callback was rejected; each reason maps to one HTTP status. */
    public enum Reason {
        /** The request method is not POST. */
        METHOD_NOT_ALLOWED(405, "method_not_allowed"),
        /** The {@code authorization} or {@code x-oss-pub-key-url} header is absent. */
        MISSING_HEADER(400, "missing_header"),
        /** A callback header is repeated, empty, too long or not valid base64. */
        MALFORMED_HEADER(400, "malformed_header"),
        /**
         * The percent-decoded path holds {@code ?}, {@code #} or a control character (C0, DEL or C1). OSS signs the
         * decoded path, so such a path would let a captured callback move its query or body framing
         * into the path and still verify.
         */
        MALFORMED_PATH(400, "malformed_path"),
        /** The public key URL is not allowed by the {@link KeyUrlPolicy}. */
        UNTRUSTED_KEY_URL(403, "untrusted_key_url"),
        /** The public key could not be fetched (host down, timeout, non-200 answer). */
        KEY_UNAVAILABLE(503, "key_unavailable"),
        /** The key host answered, but not with a usable RSA public key. */
        INVALID_KEY(503, "invalid_key"),
        /** The signature does not match the request under the trusted key. */
        SIGNATURE_MISMATCH(403, "signature_mismatch"),
        /** The body is larger than the configured limit. */
        BODY_TOO_LARGE(413, "body_too_large"),
        /** The body could not be read from the connection. */
        BODY_UNREADABLE(400, "body_unreadable"),
        /**
         * With {@code strictBodyParsing}: the signed body does not parse cleanly as its content type
         * says. Also thrown by {@link OssCallback#bind} when the body does not fit the type.
         */
        MALFORMED_BODY(400, "malformed_body"),
        /** The body's content type is neither form nor JSON. */
        UNSUPPORTED_CONTENT_TYPE(400, "unsupported_content_type"),
        /**
         * The verifier expects one body type (form or JSON) and the request says the other. The
         * content type is not signed, so relabelling a body could otherwise change its fields.
         */
        UNEXPECTED_BODY_TYPE(400, "unexpected_body_type"),
        /**
         * A query parameter has the name of a body field. The query is chosen by the uploader, so
         * two sources for one name would let it override what the signed body says.
         */
        AMBIGUOUS_PARAMETER(400, "ambiguous_parameter"),
        /** Upload tokens are required, and the callback carries none. */
        UPLOAD_TOKEN_MISSING(403, "upload_token_missing"),
        /** The upload token is malformed or its MAC does not match. */
        UPLOAD_TOKEN_INVALID(403, "upload_token_invalid"),
        /** The upload token names a key id that is not (or no longer) accepted. */
        UPLOAD_TOKEN_UNKNOWN_KEY(403, "upload_token_unknown_key"),
        /** The upload token has expired. */
        UPLOAD_TOKEN_EXPIRED(403, "upload_token_expired"),
        /**
         * The callback's bucket, object, path or body type is not the one the upload token was
         * issued for.
         */
        UPLOAD_TOKEN_MISMATCH(403, "upload_token_mismatch"),
        /**
         * The upload token already vouched for an accepted callback; each token is good for one. A
         * copy of a token (it travels in the uploader's form) cannot vouch for a second callback.
         */
        UPLOAD_TOKEN_USED(409, "upload_token_used"),
        /** The callback's bucket is not on the expected-bucket list. */
        BUCKET_NOT_ALLOWED(403, "bucket_not_allowed"),
        /** With replay protection on: this exact callback was already accepted within the window. */
        REPLAYED(409, "replayed"),
        /**
         * With replay protection or upload tokens on: the store that remembers accepted callbacks and
         * used tokens could not record this one, so the callback fails closed.
         */
        REPLAY_STORE_UNAVAILABLE(503, "replay_store_unavailable"),
        /**
         * With {@link ObjectConfirmation}: OSS has no such object (or would not say), or its size,
         * ETag or content type is not what the callback says.
         */
        OBJECT_NOT_CONFIRMED(403, "object_not_confirmed"),
        /**
         * With {@link ObjectConfirmation}: OSS did not answer in time, answered 5xx, could not be
         * reached, or too many checks were running; the callback fails closed.
         */
        OSS_UNAVAILABLE(503, "oss_unavailable"),
        /**
         * An event delivery ({@link EventVerifier}): MNS's signed {@code Content-MD5} does not match
         * the body. The body itself is not signed, so this check is what binds it to the signature.
         */
        CONTENT_MD5_MISMATCH(400, "content_md5_mismatch"),
        /**
         * An event delivery: its signed time ({@code Date} for MNS, {@code x-eventbridge-signature-timestamp}
         * for EventBridge) is outside the verifier's window, so it may be a captured delivery sent again.
         */
        STALE_DELIVERY(403, "stale_delivery"),
        /**
         * An event delivery: signed in a way this library does not verify (EventBridge signature v2
         * alone, a signature method other than {@code HMAC-SHA1}), or for a service the verifier was
         * not built to accept.
         */
        UNSUPPORTED_SIGNATURE(400, "unsupported_signature"),
        /**
         * An event delivery whose message id was already accepted within the duplicate window. MNS and
         * EventBridge retry until they get a 2xx answer, so this is answered 200: the sender stops
         * retrying, and the application does not see the message twice.
         */
        DUPLICATE_DELIVERY(200, "duplicate_delivery");

        private final int httpStatus;
        private final String code;

        Reason(int httpStatus, String code) {
            this.httpStatus = httpStatus;
            this.code = code;
        }

        /** The HTTP status an endpoint should answer with. */
        public int httpStatus() {
            return httpStatus;
        }

        /** A stable, lower-case code for logs, metrics and error bodies. */
        public String code() {
            return code;
        }
    }

    private final Reason reason;

    /** Creates a rejection; the message states what was found and what was expected. */
    public CallbackRejectedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Creates a rejection caused by a lower-level failure (I/O, parsing). */
    public CallbackRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** Why the callback was rejected. */
    public Reason reason() {
        return reason;
    }

    /** The reply to send: the reason's status and a JSON body naming the reason code. */
    public CallbackReply toReply() {
        return CallbackReply.rejection(reason);
    }

    @Override
    public String toString() {
        return "CallbackRejectedException[" + reason.code() + "]: " + getMessage();
    }
}
