package io.github.osscallback.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two PostObject signatures OSS accepts, over the base64 policy exactly as sent in the
 * {@code policy} form field (docs/protocol.md, "PostObject policies").
 */
public final class PostSignatures {

    public static final String V4_ALGORITHM = "OSS4-HMAC-SHA256";
    public static final String V4_TERMINATOR = "aliyun_v4_request";
    public static final String V4_SERVICE = "oss";
    public static final DateTimeFormatter V4_DATE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    public static final DateTimeFormatter V4_DATE = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private PostSignatures() {
    }

    /** {@code <id>/<yyyyMMdd>/<region>/oss/aliyun_v4_request}. */
    public static String v4Credential(String accessKeyId, ZonedDateTime signedAt, String region) {
        return accessKeyId + "/" + V4_DATE.format(signedAt) + "/" + region + "/" + V4_SERVICE + "/" + V4_TERMINATOR;
    }

    /**
     * V4: lower-case hex of HMAC-SHA256 over the base64 policy, keyed by the key derived from
     * {@code "aliyun_v4" + secret} through the date, the region, {@code oss} and
     * {@code aliyun_v4_request}.
     */
    public static String v4(String accessKeySecret, ZonedDateTime signedAt, String region, String base64Policy) {
        byte[] key = hmacSha256(("aliyun_v4" + accessKeySecret).getBytes(StandardCharsets.UTF_8),
                V4_DATE.format(signedAt));
        key = hmacSha256(key, region);
        key = hmacSha256(key, V4_SERVICE);
        key = hmacSha256(key, V4_TERMINATOR);
        return hex(hmacSha256(key, base64Policy));
    }

    /** V1: base64 of HMAC-SHA1 over the base64 policy, keyed by the secret. */
    public static String v1(String accessKeySecret, String base64Policy) {
        return Base64.getEncoder().encodeToString(mac("HmacSHA1",
                accessKeySecret.getBytes(StandardCharsets.UTF_8), base64Policy));
    }

    private static byte[] hmacSha256(byte[] key, String data) {
        return mac("HmacSHA256", key, data);
    }

    private static byte[] mac(String algorithm, byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is available on every JDK", e);
        }
    }

    private static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = Character.forDigit((bytes[i] >> 4) & 0xf, 16);
            out[2 * i + 1] = Character.forDigit(bytes[i] & 0xf, 16);
        }
        return new String(out);
    }
}
