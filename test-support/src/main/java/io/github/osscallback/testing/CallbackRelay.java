package io.github.osscallback.testing;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Does for an upload with a callback what OSS does: renders the body, signs it with the stand-in's
 * key, POSTs it to each callback URL in turn, records every attempt, and relays the outcome to the
 * uploader (200 with the first good reply, or 203 CallbackFailed).
 */
final class CallbackRelay {

    private final OssCallbackSigner signer;
    private final String keyUrl;
    private final Duration timeout;
    private final BucketCallbackPolicies policies;
    private final List<CallbackAttempt> attempts = new CopyOnWriteArrayList<>();

    CallbackRelay(OssCallbackSigner signer, String keyUrl, Duration timeout, BucketCallbackPolicies policies) {
        this.signer = signer;
        this.keyUrl = keyUrl;
        this.timeout = timeout;
        this.policies = policies;
    }

    /** Every callback request made so far, in order, one per URL tried. */
    List<CallbackAttempt> attempts() {
        return List.copyOf(attempts);
    }

    /** The callback of a request: in headers, or in the query (a presigned URL carries it there); null if none. */
    CallbackSpec requested(StandInCall call) throws OssRefusal {
        if (call.headers.containsKey("x-oss-callback")) {
            return parse(call.headers.get("x-oss-callback"), call.headers.get("x-oss-callback-var"), Map.of());
        }
        return parse(call.query.get("callback"), call.query.get("callback-var"), Map.of());
    }

    /**
     * A callback from its parameters (a bucket's callback policy when they name one), or null
     * without one; refused (400 InvalidArgument) when malformed.
     */
    CallbackSpec parse(String callback, String callbackVar, Map<String, String> formVariables)
            throws OssRefusal {
        if (callback == null) {
            return null;
        }
        String[] used = policies.resolve(callback, callbackVar);
        try {
            return CallbackSpec.parse(used[0], used[1], formVariables);
        } catch (CallbackSpec.Invalid e) {
            throw new OssRefusal(400, "InvalidArgument", e.getMessage());
        }
    }

    /**
     * The answer to an upload: without a callback the operation's own; with one, OSS's relay of
     * the callback: 200 and the reply of the first URL that succeeded, or 203 CallbackFailed.
     * Either way with the object's headers.
     */
    StandInAnswer reply(StandInCall call, StoredObject object, CallbackSpec callback, String contentMd5,
                        Map<String, String> objectHeaders, StandInAnswer withoutCallback) {
        if (callback == null) {
            return withoutCallback.with(objectHeaders);
        }
        byte[] body = callback.render(systemValues(call, object, contentMd5));
        String failure = null;
        for (String url : callback.urls) {
            CallbackAttempt attempt = deliver(object, callback, url, body);
            attempts.add(attempt);
            if (attempt.succeeded()) {
                return new StandInAnswer(200, "application/json", attempt.reply()).with(objectHeaders);
            }
            failure = attempt.failure().orElseThrow();
        }
        return StandInAnswer.error(203, "CallbackFailed", failure, call.requestId, call.host).with(objectHeaders);
    }

    /** The values of OSS's system variables ({@code ${bucket}}, {@code ${etag}}, ...) for this upload. */
    private static Map<String, String> systemValues(StandInCall call, StoredObject object, String contentMd5) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("bucket", object.bucket());
        values.put("object", object.key());
        values.put("etag", object.etag());
        values.put("size", Long.toString(object.size()));
        values.put("mimeType", object.contentType());
        values.putAll(ImageInfo.of(object.content()));
        values.put("crc64", object.crc64());
        values.put("contentMd5", contentMd5);
        values.put("vpcId", "");
        values.put("clientIp", call.clientIp);
        values.put("reqId", call.requestId);
        values.put("operation", object.operation());
        return values;
    }

    private CallbackAttempt deliver(StoredObject object, CallbackSpec callback, String url, byte[] body) {
        URI target;
        try {
            target = URI.create(url.contains("://") ? url : "http://" + url);
        } catch (IllegalArgumentException e) {
            return new CallbackAttempt(object.operation(), object.bucket(), object.key(), url, Map.of(), body, -1,
                    new byte[0], CallbackSender.CANNOT_CONNECT);
        }
        String rawPath = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        String authority = target.getRawAuthority() == null ? "" : target.getRawAuthority();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("host", callback.host != null ? callback.host : authority);
        headers.put("content-type", callback.bodyType);
        headers.put("content-length", Integer.toString(body.length));
        headers.put("authorization", signer.sign(rawPath, target.getRawQuery(), body));
        headers.put("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keyUrl));
        CallbackSender.Outcome outcome = CallbackSender.post(target, headers, body, timeout);
        return new CallbackAttempt(object.operation(), object.bucket(), object.key(), url, headers, body,
                outcome.status, outcome.reply, outcome.failure);
    }
}
