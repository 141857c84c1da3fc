package io.github.osscallback.testing;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks the AccessKey signature of a request to the stand-in, when one is configured: OSS's V1
 * header signature ({@code Authorization: OSS id:base64(HMAC-SHA1(secret, string to sign))}) and
 * V4 ({@code OSS4-HMAC-SHA256 Credential=...,Signature=...} over a canonical request). The request
 * time is not compared with the stand-in's clock, which a test may have set anywhere.
 */
final class RequestAuthentication {

    /** The query parameters OSS's V1 signature covers that the stand-in's operations use. */
    private static final Set<String> SIGNED_SUBRESOURCES = Set.of(
            "uploads", "uploadId", "partNumber", "append", "position", "sequential", "acl", "tagging",
            "callback", "callback-var", "x-oss-process", "security-token");

    private static final String V4 = "OSS4-HMAC-SHA256";
    private static final String[] SIGNATURE_MISMATCH = {"SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided."};
    private static final String[] UNKNOWN_KEY = {"InvalidAccessKeyId", OssHmac.UNKNOWN_KEY_ID};

    private final String accessKeyId;
    private final String accessKeySecret;
    /** The STS token requests must carry, or null for a long-term AccessKey. */
    private final String securityToken;

    RequestAuthentication(String accessKeyId, String accessKeySecret, String securityToken) {
        this.accessKeyId = accessKeyId;
        this.accessKeySecret = accessKeySecret;
        this.securityToken = securityToken;
    }

    /**
     * Null when the request is signed with the configured key (in its headers, or as a V1
     * presigned URL that has not expired at {@code now}), else OSS's error code and message.
     */
    String[] check(String method, Map<String, String> headers, String bucket, String key, Map<String, String> query,
                   Instant now) {
        String authorization = headers.get("authorization");
        if (securityToken != null) {
            // In a header for signed requests, in the query for presigned URLs; either way signed with the rest.
            String token = headers.getOrDefault("x-oss-security-token", query.get("security-token"));
            if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                    securityToken.getBytes(StandardCharsets.UTF_8))) {
                return new String[] {"InvalidSecurityToken", "The security token you provided is invalid."};
            }
        }
        if (authorization == null && query.containsKey("OSSAccessKeyId")) {
            return checkPresignedV1(method, headers, bucket, key, query, now);
        }
        if (authorization == null && query.containsKey("x-oss-signature")) {
            return new String[] {"AccessDenied", "The stand-in checks presigned URLs signed with V1 only."};
        }
        if (authorization == null) {
            return new String[] {"AccessDenied", "The request has no Authorization header."};
        }
        if (authorization.startsWith(V4 + " ")) {
            return checkV4(authorization.substring(V4.length() + 1), method, headers, bucket, key, query);
        }
        if (!authorization.startsWith("OSS ") || authorization.indexOf(':') < 0) {
            return new String[] {"InvalidArgument", "Authorization header is invalid."};
        }
        String credentials = authorization.substring(4).trim();
        int colon = credentials.lastIndexOf(':');
        String id = credentials.substring(0, colon);
        String signature = credentials.substring(colon + 1);
        if (!id.equals(accessKeyId)) {
            return UNKNOWN_KEY;
        }
        String stringToSign = stringToSign(method, headers, bucket, key, query);
        return OssHmac.matches(OssHmac.v1(accessKeySecret, stringToSign), signature) ? null : SIGNATURE_MISMATCH;
    }

    /** A V1 presigned URL: the signature of the header form, with the {@code Expires} time in place of the date. */
    private String[] checkPresignedV1(String method, Map<String, String> headers, String bucket, String key,
                                      Map<String, String> query, Instant now) {
        if (!query.get("OSSAccessKeyId").equals(accessKeyId)) {
            return UNKNOWN_KEY;
        }
        long expires;
        try {
            expires = Long.parseLong(query.getOrDefault("Expires", ""));
        } catch (NumberFormatException e) {
            return new String[] {"AccessDenied", "Expires must be a number of seconds since the epoch."};
        }
        if (now.getEpochSecond() > expires) {
            return new String[] {"AccessDenied", "Request has expired."};
        }
        Map<String, String> signed = new TreeMap<>(headers);
        signed.put("date", Long.toString(expires));
        signed.remove("x-oss-date");
        String stringToSign = stringToSign(method, signed, bucket, key, query);
        return OssHmac.matches(OssHmac.v1(accessKeySecret, stringToSign), query.get("Signature")) ? null
                : SIGNATURE_MISMATCH;
    }

    /** OSS's V4 header signature: HMAC-SHA256 over a canonical request, with a key derived from date and region. */
    private String[] checkV4(String parameters, String method, Map<String, String> headers, String bucket, String key,
                             Map<String, String> query) {
        Map<String, String> fields = new TreeMap<>();
        for (String field : parameters.split(",")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                fields.put(field.substring(0, eq).trim(), field.substring(eq + 1).trim());
            }
        }
        String[] scope = fields.getOrDefault("Credential", "").split("/");
        String date = headers.get("x-oss-date");
        if (!OssHmac.isV4Scope(scope) || date == null
                || !date.startsWith(scope[1]) || !fields.containsKey("Signature")) {
            return new String[] {"InvalidArgument", "Authorization header is invalid."};
        }
        if (!scope[0].equals(accessKeyId)) {
            return UNKNOWN_KEY;
        }
        Set<String> additional = new TreeSet<>();
        for (String name : fields.getOrDefault("AdditionalHeaders", "").split(";")) {
            if (!name.isBlank()) {
                additional.add(name.trim().toLowerCase(Locale.ROOT));
            }
        }
        StringBuilder canonical = new StringBuilder(method).append('\n');
        canonical.append('/');
        if (bucket != null) {
            canonical.append(bucket).append('/');
            if (key != null) {
                canonical.append(encode(key).replace("%2F", "/"));
            }
        }
        canonical.append('\n');
        Map<String, String> sortedQuery = new TreeMap<>();
        query.forEach((name, value) -> sortedQuery.put(encode(name.trim()), encode(value.trim())));
        StringBuilder queryPart = new StringBuilder();
        sortedQuery.forEach((name, value) -> {
            queryPart.append(queryPart.length() == 0 ? "" : "&").append(name);
            if (!value.isEmpty()) {
                queryPart.append('=').append(value);
            }
        });
        canonical.append(queryPart).append('\n');
        headers.forEach((name, value) -> {
            if (name.equals("content-type") || name.equals("content-md5") || name.startsWith("x-oss-")
                    || additional.contains(name)) {
                canonical.append(name).append(':').append(value.trim()).append('\n');
            }
        });
        canonical.append('\n').append(String.join(";", additional)).append('\n');
        canonical.append(headers.getOrDefault("x-oss-content-sha256", "UNSIGNED-PAYLOAD"));
        String stringToSign = V4 + "\n" + date + "\n" + scope[1] + "/" + scope[2] + "/oss/aliyun_v4_request\n"
                + OssHmac.sha256Hex(canonical.toString());
        return OssHmac.matches(OssHmac.v4(accessKeySecret, scope[1], scope[2], stringToSign), fields.get("Signature"))
                ? null : SIGNATURE_MISMATCH;
    }

    /** Percent-encoding as the V4 canonical request uses it: UTF-8, space as %20, {@code ~} kept. */
    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A")
                .replace("%7E", "~");
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
}
