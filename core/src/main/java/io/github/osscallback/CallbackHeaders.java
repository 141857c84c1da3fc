package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.MISSING_HEADER;

import java.util.Base64;
import java.util.List;

/**
 * Reads the two headers OSS signs a callback with: each must appear exactly once, non-empty,
 * within a length bound, and as base64. Bounds come before decoding so an attacker's oversized
 * header costs nothing.
 */
final class CallbackHeaders {

    /** 4096-bit signatures are 684 base64 characters; key URLs are short. */
    static final int MAX_SIGNATURE_HEADER_LENGTH = 1024;
    static final int MAX_KEY_URL_HEADER_LENGTH = 4 * KeyUrlPolicy.MAX_KEY_URL_LENGTH / 3 + 4;

    private CallbackHeaders() {
    }

    /** The decoded {@code authorization} header. */
    static byte[] signature(CallbackRequest request) throws CallbackRejectedException {
        return decodeBase64(CallbackRequest.AUTHORIZATION,
                single(request, CallbackRequest.AUTHORIZATION, MAX_SIGNATURE_HEADER_LENGTH));
    }

    /** The {@code x-oss-pub-key-url} header as sent, still base64: {@link KeyUrls} decodes it. */
    static String keyUrl(CallbackRequest request) throws CallbackRejectedException {
        return single(request, CallbackRequest.PUB_KEY_URL, MAX_KEY_URL_HEADER_LENGTH);
    }

    static byte[] decodeBase64(String name, String value) throws CallbackRejectedException {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new CallbackRejectedException(MALFORMED_HEADER, "header '" + name + "' is not valid base64: "
                    + e.getMessage());
        }
    }

    private static String single(CallbackRequest request, String name, int maxLength)
            throws CallbackRejectedException {
        List<String> values = request.headers(name);
        if (values.isEmpty()) {
            throw new CallbackRejectedException(MISSING_HEADER, "header '" + name + "' is missing");
        }
        if (values.size() > 1) {
            throw new CallbackRejectedException(MALFORMED_HEADER, "header '" + name + "' appears "
                    + values.size() + " times; exactly one is expected");
        }
        String value = values.get(0).trim();
        if (value.isEmpty()) {
            throw new CallbackRejectedException(MALFORMED_HEADER, "header '" + name + "' is empty");
        }
        if (value.length() > maxLength) {
            throw new CallbackRejectedException(MALFORMED_HEADER, "header '" + name + "' is " + value.length()
                    + " characters long; at most " + maxLength + " are expected");
        }
        return value;
    }
}
