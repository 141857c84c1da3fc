package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.osscallback.internal.PostSignatures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The V4 example OSS publishes ("Include a V4 signature in the Authorization header", signing date
 * 2023-12-03, region cn-hangzhou, signature {@code 4b663e42...c63fa}). OSS publishes no POST V4
 * example with its secret; a POST V4 signature differs from a header one only in what is signed
 * (the base64 policy instead of the string to sign built from the request), so this pins the part
 * they share: the signing key derived from {@code "aliyun_v4" + secret}, the date, the region,
 * {@code oss} and {@code aliyun_v4_request}, and the hex HMAC-SHA256 under it.
 */
class OssV4SigningExampleTest {

    private static final String SECRET = "accesskeysecret";
    private static final ZonedDateTime SIGNED_AT = ZonedDateTime.parse("2023-12-03T12:12:12Z");
    /** PutObject of examplebucket/exampleobject with two user metadata headers, payload unsigned. */
    private static final String CANONICAL_REQUEST = String.join("\n",
            "PUT",
            "/examplebucket/exampleobject",
            "",
            "content-md5:eB5eJF1ptWaXm4bijSPyxw",
            "content-type:text/html",
            "host:examplebucket.oss-cn-hangzhou.aliyuncs.com",
            "x-oss-content-sha256:UNSIGNED-PAYLOAD",
            "x-oss-date:20231203T121212Z",
            "x-oss-meta-author:alice",
            "x-oss-meta-magic:abracadabra",
            "",
            "host",
            "UNSIGNED-PAYLOAD");
    private static final String PUBLISHED_SIGNATURE = "4b663e424d2db9967401ff6ce1c86f8c83cabd77d9908475239d9110642c63fa";

    private static String stringToSign() throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(CANONICAL_REQUEST.getBytes(StandardCharsets.UTF_8));
        return "OSS4-HMAC-SHA256\n20231203T121212Z\n20231203/cn-hangzhou/oss/aliyun_v4_request\n"
                + HexFormat.of().formatHex(hash);
    }

    @Test
    void derivedKeyAndHmacGiveThePublishedSignature() throws Exception {
        assertEquals(PUBLISHED_SIGNATURE, PostSignatures.v4(SECRET, SIGNED_AT, "cn-hangzhou", stringToSign()));
    }

    @Test
    void theScopeDateRegionAndSecretEachChangeIt() throws Exception {
        String toSign = stringToSign();
        assertNotEquals(PUBLISHED_SIGNATURE, PostSignatures.v4(SECRET, SIGNED_AT.plusDays(1), "cn-hangzhou", toSign));
        assertNotEquals(PUBLISHED_SIGNATURE, PostSignatures.v4(SECRET, SIGNED_AT, "cn-shanghai", toSign));
        assertNotEquals(PUBLISHED_SIGNATURE, PostSignatures.v4(SECRET + "x", SIGNED_AT, "cn-hangzhou", toSign));
    }

    @Test
    void credentialScopeHasTheDocumentedForm() {
        assertEquals("AKIDEXAMPLE/20231203/cn-hangzhou/oss/aliyun_v4_request",
                PostSignatures.v4Credential("AKIDEXAMPLE", SIGNED_AT, "cn-hangzhou"));
    }
}
