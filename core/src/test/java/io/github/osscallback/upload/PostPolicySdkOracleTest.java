package io.github.osscallback.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.common.comm.SignVersion;
import com.aliyun.oss.model.MatchMode;
import com.aliyun.oss.model.PolicyConditions;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.osscallback.OssCredentials;
import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.upload.CallbackParameters;
import io.github.osscallback.upload.PostPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alibaba's Java SDK (aliyun-sdk-oss) as an oracle for PostObject policies: for the same
 * conditions, expiry, credentials, region and date, the SDK's {@code generatePostPolicy} yields
 * the same policy document and its {@code calculatePostSignature} the same V1 and V4 signatures.
 */
class PostPolicySdkOracleTest {

    private static final String ID = "LTAI5tOracleTestKeyId";
    private static final String SECRET = "oracleTestSecret0123456789abcdef";
    private static final String TOKEN = "CAIS+oracle/sts+token==";
    private static final String REGION = "cn-hangzhou";
    private static final String ENDPOINT = "https://oss-cn-hangzhou.aliyuncs.com";

    /** Signing instants, one at a UTC day's last millisecond: the scope date must be that day. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("V4, AccessKey pair", PostPolicy.SignatureVersion.V4, false,
                        Instant.parse("2026-11-25T21:30:00Z")),
                Arguments.of("V4, STS", PostPolicy.SignatureVersion.V4, true, Instant.parse("2026-11-25T21:30:00Z")),
                Arguments.of("V4, last millisecond of a day", PostPolicy.SignatureVersion.V4, false,
                        Instant.parse("2026-12-31T23:59:59.999Z")),
                Arguments.of("V1, AccessKey pair", PostPolicy.SignatureVersion.V1, false,
                        Instant.parse("2026-11-25T21:30:00Z")),
                Arguments.of("V1, STS", PostPolicy.SignatureVersion.V1, true, Instant.parse("2026-11-25T21:30:00Z")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void policyAndSignatureMatchTheSdk(String name, PostPolicy.SignatureVersion version, boolean sts, Instant now)
            throws Exception {
        OssCredentials credentials = sts ? OssCredentials.sts(ID, SECRET, TOKEN) : OssCredentials.of(ID, SECRET);
        CallbackParameters callback = CallbackParameters.builder()
                .callbackUrl("https://app.example/oss/callback")
                .callbackBody("bucket=${bucket}&object=${object}&size=${size}&uid=${x:uid}")
                .customVariable("x:uid", "42 \u4e2d")
                .build();
        PostPolicy ours = PostPolicy.builder()
                .credentials(credentials).bucket("demo-bucket").region(REGION)
                .keyPrefix("users/42/\u56fe/").contentLengthRange(1, 10 << 20)
                .contentTypes("image/png", "image/jpeg").successActionStatus(201)
                .expiresIn(Duration.ofMinutes(15)).callback(callback).signatureVersion(version)
                .clock(new ManualClock(now)).build();

        PolicyConditions conditions = new PolicyConditions();
        conditions.addConditionItem("bucket", "demo-bucket");
        conditions.addConditionItem(MatchMode.StartWith, PolicyConditions.COND_KEY, "users/42/\u56fe/");
        conditions.addConditionItem(PolicyConditions.COND_CONTENT_LENGTH_RANGE, 1, 10 << 20);
        conditions.addConditionItem(MatchMode.In, "content-type", new String[] {"image/png", "image/jpeg"});
        conditions.addConditionItem(MatchMode.Exact, PolicyConditions.COND_SUCCESS_ACTION_STATUS, "201");
        conditions.addConditionItem(MatchMode.Exact, "callback", callback.callbackHeader());
        conditions.addConditionItem(MatchMode.Exact, "callback-var", callback.callbackVarHeader().orElseThrow());
        conditions.addConditionItem(MatchMode.Exact, "x:uid", "42 \u4e2d");
        if (version == PostPolicy.SignatureVersion.V4) {
            conditions.addConditionItem("x-oss-signature-version", "OSS4-HMAC-SHA256");
            conditions.addConditionItem("x-oss-credential", ours.fields().get("x-oss-credential"));
            conditions.addConditionItem("x-oss-date", ours.fields().get("x-oss-date"));
            if (sts) {
                conditions.addConditionItem("x-oss-security-token", TOKEN);
            }
        }
        OSS client = version == PostPolicy.SignatureVersion.V4 ? v4Client(sts) : v1Client(sts);
        try {
            String sdkPolicy = client.generatePostPolicy(Date.from(now.plus(Duration.ofMinutes(15))), conditions);
            JsonNode expected = JsonCodec.MAPPER.readTree(sdkPolicy);
            assertEquals(expected, JsonCodec.MAPPER.readTree(ours.policyJson()));
            assertEquals(ours.policyJson(), new String(Base64.getDecoder().decode(ours.fields().get("policy")),
                    StandardCharsets.UTF_8));
            if (version == PostPolicy.SignatureVersion.V4) {
                assertEquals(client.calculatePostSignature(ours.policyJson(), Date.from(now)),
                        ours.fields().get("x-oss-signature"));
            } else {
                assertEquals(client.calculatePostSignature(ours.policyJson()), ours.fields().get("Signature"));
                assertEquals(ID, ours.fields().get("OSSAccessKeyId"));
            }
        } finally {
            client.shutdown();
        }
    }

    private static OSS v1Client(boolean sts) {
        return sts ? new OSSClientBuilder().build(ENDPOINT, ID, SECRET, TOKEN)
                : new OSSClientBuilder().build(ENDPOINT, ID, SECRET);
    }

    private static OSS v4Client(boolean sts) {
        ClientBuilderConfiguration configuration = new ClientBuilderConfiguration();
        configuration.setSignatureVersion(SignVersion.V4);
        return OSSClientBuilder.create().endpoint(ENDPOINT)
                .credentialsProvider(sts ? new DefaultCredentialProvider(ID, SECRET, TOKEN)
                        : new DefaultCredentialProvider(ID, SECRET))
                .clientConfiguration(configuration).region(REGION).build();
    }
}
