package io.github.osscallback.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
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
