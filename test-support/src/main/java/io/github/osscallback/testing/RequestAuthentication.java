package io.github.osscallback.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the AccessKey signature of a request to the stand-in, when one is configured: OSS's V1
 * header signature in full ({@code Authorization: OSS id:base64(HMAC-SHA1(secret, string to sign))}),
 * V4 ({@code OSS4-HMAC-SHA256}) by its AccessKey ID only.
 */
final class RequestAuthentication {

    /** The query parameters OSS's V1 signature covers that the stand-in's operations use. */
    private static final Set<String> SIGNED_SUBRESOURCES = Set.of(
            "uploads", "uploadId", "partNumber", "append", "position", "sequential", "acl", "tagging",
            "callback", "callback-var", "x-oss-process", "security-token");

    private final String accessKeyId;
    private final String accessKeySecret;

    RequestAuthentication(String accessKeyId, String accessKeySecret) {
        this.accessKeyId = accessKeyId;
        this.accessKeySecret = accessKeySecret;
    }

    /** Null when the request is signed with the configured key, else OSS's error code and message. */
    String[] check(String method, Map<String, String> headers, String bucket, String key, Map<String, String> query) {
        String authorization = headers.get("authorization");
        if (authorization == null) {
            return new String[] {"AccessDenied", "The request has no Authorization header."};
        }
        if (authorization.startsWith("OSS4-HMAC-SHA256 ")) {
            int credential = authorization.indexOf("Credential=");
            int slash = credential < 0 ? -1 : authorization.indexOf('/', credential);
            String id = slash < 0 ? "" : authorization.substring(credential + "Credential=".length(), slash);
            return id.equals(accessKeyId) ? null
                    : new String[] {"InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records."};
        }
        if (!authorization.startsWith("OSS ") || authorization.indexOf(':') < 0) {
            return new String[] {"InvalidArgument", "Authorization header is invalid."};
        }
        String credentials = authorization.substring(4).trim();
        int colon = credentials.lastIndexOf(':');
        String id = credentials.substring(0, colon);
        String signature = credentials.substring(colon + 1);
        if (!id.equals(accessKeyId)) {
            return new String[] {"InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records."};
        }
        String stringToSign = stringToSign(method, headers, bucket, key, query);
        String expected = hmacSha1(stringToSign);
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII))) {
            return new String[] {"SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided."};
        }
        return null;
    }

    static String stringToSign(String method, Map<String, String> headers, String bucket, String key,
                               Map<String, String> query) {
        StringBuilder s = new StringBuilder(method).append('\n')
                .append(headers.getOrDefault("content-md5", "")).append('\n')
                .append(headers.getOrDefault("content-type", "")).append('\n')
                // OSS reads the date from x-oss-date when a client sends one (ali-oss does), else from Date.
                .append(headers.getOrDefault("x-oss-date", headers.getOrDefault("date", ""))).append('\n');
        new TreeMap<>(headers).forEach((name, value) -> {
            if (name.startsWith("x-oss-")) {
                s.append(name).append(':').append(value.trim()).append('\n');
            }
        });
        s.append('/');
        if (bucket != null) {
            s.append(bucket).append('/');
            if (key != null) {
                s.append(key);
            }
        }
        char separator = '?';
        for (Map.Entry<String, String> parameter : new TreeMap<>(query).entrySet()) {
            if (SIGNED_SUBRESOURCES.contains(parameter.getKey())) {
                s.append(separator).append(parameter.getKey());
                if (!parameter.getValue().isEmpty()) {
                    s.append('=').append(parameter.getValue());
                }
                separator = '&';
            }
        }
        return s.toString();
    }

    private String hmacSha1(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(accessKeySecret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }
}
