package io.github.osscallback.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The stand-in's own signing primitives, as OSS computes them server-side: V1's base64 HMAC-SHA1
 * and V4's derived key with hex HMAC-SHA256. Written apart from core's signer on purpose, so a
 * mistake there is not repeated here and the stand-in can catch it.
 */
final class OssHmac {

    private OssHmac() {
    }

    /** V1: base64 of HMAC-SHA1 under the AccessKey secret. */
    static String v1(String secret, String stringToSign) {
        return Base64.getEncoder().encodeToString(
                hmac("HmacSHA1", secret.getBytes(StandardCharsets.UTF_8), stringToSign));
    }

    /** V4: hex HMAC-SHA256 under the key derived from the secret, the day, the region and the service. */
    static String v4(String secret, String day, String region, String stringToSign) {
        byte[] key = hmac("HmacSHA256", ("aliyun_v4" + secret).getBytes(StandardCharsets.UTF_8), day);
        key = hmac("HmacSHA256", key, region);
        key = hmac("HmacSHA256", key, "oss");
        key = hmac("HmacSHA256", key, "aliyun_v4_request");
        return Digests.hex(hmac("HmacSHA256", key, stringToSign));
    }

    /** OSS's error message for an AccessKey id it does not know. */
    static final String UNKNOWN_KEY_ID = "The OSS Access Key Id you provided does not exist in our records.";

    /** Whether a V4 credential, split at {@code /}, reads {@code <AccessKeyId>/<yyyyMMdd>/<region>/oss/aliyun_v4_request}. */
    static boolean isV4Scope(String[] scope) {
        return scope.length == 5 && scope[3].equals("oss") && scope[4].equals("aliyun_v4_request");
    }

    /** Whether a given signature is the expected one, compared in constant time; false when none is given. */
    static boolean matches(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                given.getBytes(StandardCharsets.US_ASCII));
    }

    static String sha256Hex(String data) {
        return Digests.hex(Digests.digest("SHA-256", data.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] hmac(String algorithm, byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }
}
