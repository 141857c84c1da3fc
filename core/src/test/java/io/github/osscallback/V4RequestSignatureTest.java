package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.oss.HttpMethod;
import com.aliyun.oss.common.auth.DefaultCredentials;
import com.aliyun.oss.common.comm.RequestMessage;
import com.aliyun.oss.internal.signer.OSSSignerParams;
import com.aliyun.oss.internal.signer.OSSV4Signer;
import com.aliyun.oss.model.GenericRequest;
import io.github.osscallback.internal.PostSignatures;
import java.lang.reflect.Field;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The V4 header signature of requests to OSS, held to two references: OSS's published example
 * ("Include a V4 signature in the Authorization header", PutObject of examplebucket/exampleobject
 * signed on 2023-12-03 in cn-hangzhou, signature {@code 4b663e42...c63fa}; the same vector as
 * {@link OssV4SigningExampleTest}, here built from the request rather than from its canonical
 * form), and aliyun-sdk-oss's own {@code OSSV4Signer}, run at a fixed time on the same inputs.
 */
class V4RequestSignatureTest {

    private static final Instant EXAMPLE_TIME = Instant.parse("2023-12-03T12:12:12Z");

    @Test
    void publishedExampleCanonicalRequestAndSignature() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-MD5", "eB5eJF1ptWaXm4bijSPyxw");
        headers.put("Content-Type", "text/html");
        headers.put("Host", "examplebucket.oss-cn-hangzhou.aliyuncs.com");
        headers.put("x-oss-meta-author", "alice");
        headers.put("x-oss-meta-magic", "abracadabra");
        V4RequestSignature signed = V4RequestSignature.sign("PUT", "examplebucket", "exampleobject", Map.of(), headers,
                Set.of("host"), OssCredentials.of("LTAI5tExample", "accesskeysecret"), "cn-hangzhou", EXAMPLE_TIME);
        assertEquals(String.join("\n",
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
                "UNSIGNED-PAYLOAD"), signed.canonicalRequest());
        assertEquals("OSS4-HMAC-SHA256 Credential=LTAI5tExample/20231203/cn-hangzhou/oss/aliyun_v4_request,"
                + "AdditionalHeaders=host,Signature=4b663e424d2db9967401ff6ce1c86f8c83cabd77d9908475239d9110642c63fa",
                signed.authorization());
        assertEquals("20231203T121212Z", signed.headers().get("x-oss-date"));
        assertEquals("UNSIGNED-PAYLOAD", signed.headers().get("x-oss-content-sha256"));
    }

    @Test
    void headObjectSignsOnlyTheDatePayloadHashAndToken() {
        V4RequestSignature signed = V4RequestSignature.sign("HEAD", "photos", "users/42/cat.jpg", Map.of(), Map.of(),
                Set.of(), OssCredentials.sts("STS.id", "secret", "token+/="), "cn-shanghai", EXAMPLE_TIME);
        assertEquals(String.join("\n", "HEAD", "/photos/users/42/cat.jpg", "",
                "x-oss-content-sha256:UNSIGNED-PAYLOAD", "x-oss-date:20231203T121212Z",
                "x-oss-security-token:token+/=", "", "", "UNSIGNED-PAYLOAD"), signed.canonicalRequest());
        assertEquals("token+/=", signed.headers().get("x-oss-security-token"));
        assertTrue(signed.authorization().startsWith(
                "OSS4-HMAC-SHA256 Credential=STS.id/20231203/cn-shanghai/oss/aliyun_v4_request,Signature="));
        assertFalse(signed.authorization().contains("AdditionalHeaders"));
    }

    @Test
    void pathEncodingKeepsUnreservedAndSlashesAndEncodesTheRestAsUtf8() {
        assertEquals("a/b%20c%2Bd%2A~e-_.%25%3F%23%C3%A9%E4%B8%AD%F0%9F%98%80",
                V4RequestSignature.encode("a/b c+d*~e-_.%?#é中😀", true));
        assertEquals("a%2Fb", V4RequestSignature.encode("a/b", false));
    }

    static Stream<Arguments> sdkCases() {
        return Stream.of(
                Arguments.of("HEAD of a plain key", "HEAD", "photos", "users/42/cat.jpg", Map.of(), Map.of(), Set.of(),
                        null),
                Arguments.of("HEAD with STS", "HEAD", "photos", "users/42/cat.jpg", Map.of(), Map.of(), Set.of(),
                        "CAIS+token/with=chars"),
                Arguments.of("key with spaces, plus, star, tilde, percent and non-ASCII", "HEAD", "photos",
                        "dir one/a+b*c~d%25e 中文 é😀.jpg", Map.of(), Map.of(), Set.of(), null),
                Arguments.of("GET with query and headers", "GET", "photos", "x/y.bin",
                        Map.of("versionId", "CAEQ+/=", "x-oss-process", "image/resize,w_100", "acl", ""),
                        Map.of("Content-Type", "image/jpeg", "X-Oss-Meta-Note", "  spaced  ", "Range", "bytes=0-9"),
                        Set.of(), null),
                Arguments.of("PUT with additional headers, one absent", "PUT", "photos", "a.txt", Map.of(),
                        Map.of("Content-MD5", "eB5eJF1ptWaXm4bijSPyxw", "Content-Disposition", "attachment",
                                "Content-Length", "3", "x-oss-meta-a", "1"),
                        new LinkedHashSet<>(List.of("content-length", "Content-Disposition", "cache-control")), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sdkCases")
    void authorizationIsTheSdksForTheSameInputs(String name, String method, String bucket, String key,
                                                Map<String, String> query, Map<String, String> headers,
                                                Set<String> additional, String token) throws Exception {
        String id = "LTAI5tOracleId";
        String secret = "oracleSecret0123456789abcdefABCDEF";
        Instant at = Instant.parse("2026-11-25T08:09:10Z");
        OssCredentials ours = token == null ? OssCredentials.of(id, secret) : OssCredentials.sts(id, secret, token);
        V4RequestSignature signed = V4RequestSignature.sign(method, bucket, key, query, headers, additional, ours,
                "cn-hangzhou", at);

        OSSSignerParams params = new OSSSignerParams("/" + bucket + "/" + key,
                token == null ? new DefaultCredentials(id, secret) : new DefaultCredentials(id, secret, token));
        params.setProduct("oss");
        params.setRegion("cn-hangzhou");
        GenericRequest original = new GenericRequest(bucket, key);
        original.setAdditionalHeaderNames(new LinkedHashSet<>(additional));
        RequestMessage request = new RequestMessage(original, bucket, key);
        request.setMethod(HttpMethod.valueOf(method));
        request.setEndpoint(URI.create("https://oss-cn-hangzhou.aliyuncs.com"));
        request.setParameters(new LinkedHashMap<>(query));
        headers.forEach(request::addHeader);
        new FixedTimeV4Signer(params, Date.from(at)).sign(request);

        assertEquals(request.getHeaders().get("Authorization"), signed.authorization());
        signed.headers().forEach((header, value) -> assertEquals(request.getHeaders().get(header), value, header));
    }

    /**
     * The SDK's signer reads the clock itself; this one signs at a fixed time instead. Its date
     * field is private, so it is set the one way there is.
     */
    static final class FixedTimeV4Signer extends OSSV4Signer {
        private final Date at;

        FixedTimeV4Signer(OSSSignerParams params, Date at) {
            super(params);
            this.at = at;
        }

        @Override
        protected void addDateHeaderIfNeeded(RequestMessage request) {
            super.addDateHeaderIfNeeded(request);
            try {
                Field time = OSSV4Signer.class.getDeclaredField("requestDateTime");
                time.setAccessible(true);
                time.set(this, at);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError("aliyun-sdk-oss's OSSV4Signer changed; see how it takes its time", e);
            }
            request.getHeaders().put("x-oss-date", PostSignatures.V4_DATE_TIME.format(at.toInstant()));
        }
    }
}
