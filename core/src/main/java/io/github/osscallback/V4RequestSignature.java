package io.github.osscallback;

import io.github.osscallback.internal.PostSignatures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * OSS's V4 header signature ({@code OSS4-HMAC-SHA256}) of one request: the canonical request, the
 * string to sign, and the {@code Authorization} header, with the key derivation and HMAC shared
 * with PostObject's V4 ({@link PostSignatures#v4}). docs/protocol.md, "Confirming with OSS", says
 * where it is used; the tests hold it to aliyun-sdk-oss's own signer and OSS's published example.
 */
final class V4RequestSignature {

    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    static final String DATE_HEADER = "x-oss-date";
    static final String CONTENT_SHA256_HEADER = "x-oss-content-sha256";
    static final String SECURITY_TOKEN_HEADER = "x-oss-security-token";

    private final String canonicalRequest;
    private final String authorization;
    private final Map<String, String> headers;

    private V4RequestSignature(String canonicalRequest, String authorization, Map<String, String> headers) {
        this.canonicalRequest = canonicalRequest;
        this.authorization = authorization;
        this.headers = headers;
    }

    /**
     * Signs a request as the SDK does: adds {@code x-oss-date}, {@code x-oss-content-sha256}
     * ({@value #UNSIGNED_PAYLOAD} unless given) and, for STS credentials,
     * {@code x-oss-security-token}, then signs {@code content-type}, {@code content-md5}, every
     * {@code x-oss-*} header and the {@code additionalHeaders} that are present.
     *
     * @param bucket null for a request to the service
     * @param key the object key, not encoded; null for a request to the bucket
     * @param headers the request's headers by any-case name (at most one value each)
     */
    static V4RequestSignature sign(String method, String bucket, String key, Map<String, String> query,
                                   Map<String, String> headers, Set<String> additionalHeaders,
                                   OssCredentials credentials, String region, Instant at) {
        ZonedDateTime signedAt = at.atZone(ZoneOffset.UTC);
        Map<String, String> lower = new TreeMap<>();
        headers.forEach((name, value) -> lower.put(name.toLowerCase(Locale.ROOT), value));
        Map<String, String> added = new LinkedHashMap<>();
        added.put(DATE_HEADER, PostSignatures.V4_DATE_TIME.format(signedAt));
        if (!lower.containsKey(CONTENT_SHA256_HEADER)) {
            added.put(CONTENT_SHA256_HEADER, UNSIGNED_PAYLOAD);
        }
        if (credentials.isTemporary()) {
            added.put(SECURITY_TOKEN_HEADER, credentials.securityToken());
        }
        lower.putAll(added);
        Set<String> additional = new TreeSet<>();
        for (String name : additionalHeaders) {
            String n = name.toLowerCase(Locale.ROOT);
            // As the SDK: only headers the request has, and none that is signed anyway.
            if (lower.containsKey(n) && !signedByDefault(n)) {
                additional.add(n);
            }
        }
        StringBuilder canonical = new StringBuilder(256).append(method).append('\n');
        canonical.append(encode("/" + (bucket == null ? "" : bucket + "/" + (key == null ? "" : key)), true))
                .append('\n');
        Map<String, String> sortedQuery = new TreeMap<>();
        query.forEach((name, value) -> sortedQuery.put(encode(name.trim(), false),
                value == null ? "" : encode(value.trim(), false)));
        String separator = "";
        for (Map.Entry<String, String> parameter : sortedQuery.entrySet()) {
            canonical.append(separator).append(parameter.getKey());
            if (!parameter.getValue().isEmpty()) {
                canonical.append('=').append(parameter.getValue());
            }
            separator = "&";
        }
        canonical.append('\n');
        lower.forEach((name, value) -> {
            if (signedByDefault(name) || additional.contains(name)) {
                canonical.append(name).append(':').append(value.trim()).append('\n');
            }
        });
        canonical.append('\n').append(String.join(";", additional)).append('\n');
        canonical.append(lower.get(CONTENT_SHA256_HEADER));
        String canonicalRequest = canonical.toString();

        String scope = PostSignatures.V4_DATE.format(signedAt) + "/" + region + "/" + PostSignatures.V4_SERVICE + "/"
                + PostSignatures.V4_TERMINATOR;
        String stringToSign = PostSignatures.V4_ALGORITHM + "\n" + added.get(DATE_HEADER) + "\n" + scope + "\n"
                + sha256Hex(canonicalRequest);
        String signature = PostSignatures.v4(credentials.accessKeySecret(), signedAt, region, stringToSign);
        String authorization = PostSignatures.V4_ALGORITHM + " Credential="
                + PostSignatures.v4Credential(credentials.accessKeyId(), signedAt, region)
                + (additional.isEmpty() ? "" : ",AdditionalHeaders=" + String.join(";", additional))
                + ",Signature=" + signature;
        added.put("authorization", authorization);
        return new V4RequestSignature(canonicalRequest, authorization, java.util.Collections.unmodifiableMap(added));
    }

    /** {@code content-type}, {@code content-md5} and every {@code x-oss-*} header are always signed when present. */
    private static boolean signedByDefault(String lowerName) {
        return lowerName.equals("content-type") || lowerName.equals("content-md5") || lowerName.startsWith("x-oss-");
    }

    /** The canonical request, for tests and for comparing with the {@code CanonicalRequest} OSS echoes on a mismatch. */
    String canonicalRequest() {
        return canonicalRequest;
    }

    /** The {@code Authorization} header's value. */
    String authorization() {
        return authorization;
    }

    /** The headers to send besides the request's own: the date, the payload hash, the STS token, the authorization. */
    Map<String, String> headers() {
        return headers;
    }

    /**
     * Percent-encodes UTF-8 as V4 wants it: only {@code A-Z a-z 0-9 - _ . ~} stay as they are
     * (and {@code /} in a path); a space is {@code %20}, never {@code +}; hex digits upper case.
     * The same text is the path on the wire, so OSS decodes it back to the key it signs.
     */
    static String encode(String value, boolean keepSlash) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~' || (keepSlash && c == '/')) {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static String sha256Hex(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(64);
            for (byte b : hash) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is available on every JDK", e);
        }
    }
}
