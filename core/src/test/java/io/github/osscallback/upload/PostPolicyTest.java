package io.github.osscallback.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.osscallback.OssCredentials;
import io.github.osscallback.UploadTokens;
import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.upload.CallbackParameters;
import io.github.osscallback.upload.PostPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a signed PostObject policy binds, what it refuses to build, and what it never shows. */
class PostPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-25T21:30:00Z");
    private static final String SECRET = "policyTestSecret0123456789abcdef";
    private static final String TOKEN = "CAIS+sts/security+token==";
    private static final UploadTokens TOKENS = UploadTokens.builder()
            .signingKey("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII))
            .clock(new ManualClock(NOW)).build();

    private static PostPolicy.Builder base() {
        return base(OssCredentials.of("LTAI5tTestKeyId", SECRET));
    }

    private static PostPolicy.Builder base(OssCredentials credentials) {
        return PostPolicy.builder().credentials(credentials)
                .bucket("demo-bucket").region("cn-hangzhou").clock(new ManualClock(NOW));
    }

    private static CallbackParameters.Builder callback() {
        return CallbackParameters.builder().callbackUrl("https://app.example/oss/callback")
                .callbackBody("bucket=${bucket}&object=${object}&uid=${x:uid}").customVariable("x:uid", "42");
    }

    private static JsonNode policy(PostPolicy p) throws Exception {
        return JsonCodec.MAPPER.readTree(p.policyJson());
    }

    /** The conditions as compact JSON strings, for membership checks. */
    private static List<String> conditions(PostPolicy p) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        policy(p).get("conditions").forEach(c -> out.add(c.toString()));
        return out;
    }

    @Test
    void v4FormCarriesScopeDateAndSignatureNamedByTheClock() throws Exception {
        PostPolicy p = base().objectKey("users/42/a.png").build();
        assertEquals(List.of("key", "policy", "x-oss-signature-version", "x-oss-credential", "x-oss-date",
                "x-oss-signature"), List.copyOf(p.fields().keySet()));
        assertEquals("OSS4-HMAC-SHA256", p.fields().get("x-oss-signature-version"));
        assertEquals("LTAI5tTestKeyId/20261125/cn-hangzhou/oss/aliyun_v4_request", p.fields().get("x-oss-credential"));
        assertEquals("20261125T213000Z", p.fields().get("x-oss-date"));
        assertTrue(p.fields().get("x-oss-signature").matches("[0-9a-f]{64}"));
        assertEquals("https://demo-bucket.oss-cn-hangzhou.aliyuncs.com", p.uploadUrl());
        assertEquals(NOW.plus(PostPolicy.DEFAULT_VALIDITY), p.expiresAt());
        assertEquals("2026-11-25T21:40:00.000Z", policy(p).get("expiration").asText());
        List<String> conditions = conditions(p);
        assertTrue(conditions.contains("{\"x-oss-signature-version\":\"OSS4-HMAC-SHA256\"}"), conditions::toString);
        assertTrue(conditions.contains("{\"x-oss-credential\":\"LTAI5tTestKeyId/20261125/cn-hangzhou/oss/"
                + "aliyun_v4_request\"}"), conditions::toString);
        assertTrue(conditions.contains("{\"x-oss-date\":\"20261125T213000Z\"}"), conditions::toString);
        assertTrue(conditions.contains("{\"bucket\":\"demo-bucket\"}"), conditions::toString);
        assertTrue(conditions.contains("[\"eq\",\"$key\",\"users/42/a.png\"]"), conditions::toString);
    }

    @Test
    void stsTokenIsAFormFieldAndAV4Condition() throws Exception {
        PostPolicy p = base(OssCredentials.sts("STS.id", SECRET, TOKEN)).objectKey("a.png").build();
        assertEquals(TOKEN, p.fields().get("x-oss-security-token"));
        assertTrue(conditions(p).contains("{\"x-oss-security-token\":\"" + TOKEN + "\"}"));
    }

    @Test
    void v1FormCarriesAccessKeyIdAndBase64Signature() {
        PostPolicy p = base().objectKey("a.png").signatureVersion(PostPolicy.SignatureVersion.V1).build();
        assertEquals(List.of("key", "policy", "OSSAccessKeyId", "Signature"), List.copyOf(p.fields().keySet()));
        assertEquals(PostPolicy.SignatureVersion.V1, p.signatureVersion());
        assertTrue(p.fields().get("Signature").matches("[A-Za-z0-9+/]{27}="));
    }

    @Test
    void callbackFieldAndEveryCustomVariableAreBoundExactly() throws Exception {
        CallbackParameters cb = callback().build();
        PostPolicy p = base().objectKey("users/42/a.png").callback(cb).successActionStatus(200).build();
        assertEquals(cb.callbackHeader(), p.fields().get("callback"));
        assertEquals("42", p.fields().get("x:uid"));
        assertEquals("200", p.fields().get("success_action_status"));
        List<String> conditions = conditions(p);
        assertTrue(conditions.contains("[\"eq\",\"$callback\",\"" + cb.callbackHeader() + "\"]"), conditions::toString);
        assertTrue(conditions.contains("[\"eq\",\"$x:uid\",\"42\"]"), conditions::toString);
        assertTrue(conditions.contains("[\"eq\",\"$success_action_status\",\"200\"]"), conditions::toString);
    }

    @Test
    void theVariablesAreAlsoABoundCallbackVarFieldSoAFormCannotOverrideThemThere() throws Exception {
        CallbackParameters cb = callback().build();
        PostPolicy p = base().objectKey("users/42/a.png").callback(cb).build();
        String vars = cb.callbackVarHeader().orElseThrow();
        assertEquals(vars, p.fields().get("callback-var"));
        assertEquals(List.of("key", "policy", "x-oss-signature-version", "x-oss-credential", "x-oss-date",
                "x-oss-signature", "callback", "callback-var", "x:uid"), List.copyOf(p.fields().keySet()));
        assertTrue(conditions(p).contains("[\"eq\",\"$callback-var\",\"" + vars + "\"]"), conditions(p)::toString);
        // No variables, no callback-var field (a policy condition on a field the form lacks fails at OSS).
        PostPolicy plain = base().objectKey("a.png").callback(CallbackParameters.builder()
                .callbackUrl("https://app.example/oss/callback").callbackBody("object=${object}").build()).build();
        assertFalse(plain.fields().containsKey("callback-var"));
        assertFalse(conditions(plain).toString().contains("callback-var"), conditions(plain)::toString);
    }

    /**
     * The attack: a template naming ${x:role} with no value signs a form to which the browser adds
     * x:role=admin, and OSS signs the callback it renders, role=admin.
     */
    @Test
    void refusesACallbackVariableWithoutAValueNamingTheVariableOnly() throws Exception {
        OssCredentials sts = OssCredentials.sts("STS.id", SECRET, TOKEN);
        CallbackParameters unbound = CallbackParameters.builder().callbackUrl("https://app.example/oss/callback")
                .callbackBody("object=${object}&uid=${x:uid}&role=${x:role}").customVariable("x:uid", "42").build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> base(sts).objectKey("users/42/a.png").callback(unbound).build());
        assertTrue(e.getMessage().contains("${x:role}") && e.getMessage().contains("callback body"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET) || e.getMessage().contains(TOKEN) || e.getMessage().contains("42"),
                e.getMessage());

        // Bound, it is signed with an exact-match condition.
        CallbackParameters bound = CallbackParameters.builder().callbackUrl("https://app.example/oss/callback")
                .callbackBody("object=${object}&uid=${x:uid}&role=${x:role}").customVariable("x:uid", "42")
                .customVariable("x:role", "member").build();
        PostPolicy p = base(sts).objectKey("users/42/a.png").callback(bound).build();
        assertEquals("member", p.fields().get("x:role"));
        assertTrue(conditions(p).contains("[\"eq\",\"$x:role\",\"member\"]"));
    }

    /** OSS documents variables in the body; one in a URL or host is bound all the same. */
    @Test
    void refusesAnUnboundVariableInACallbackUrlOrHostEvenWithEscapedBraces() throws Exception {
        for (String url : List.of("https://app.example/oss/callback?role=${x:role}",
                "https://app.example/oss/callback?role=$%7Bx:role%7D", "https://app.example/${x:role}/callback",
                "https://app.example/oss/callback?role=%24%7bx:role%7d")) {
            CallbackParameters cb = CallbackParameters.builder().callbackUrl(url).callbackBody("object=${object}")
                    .build();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> base().objectKey("a.png").callback(cb).build(), url);
            assertTrue(e.getMessage().contains("callback URL") && e.getMessage().contains("x:role"), e.getMessage());
        }
        CallbackParameters host = CallbackParameters.builder().callbackUrl("https://app.example/oss/callback")
                .callbackHost("${x:tenant}.app.example").callbackBody("object=${object}").build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> base().objectKey("a.png").callback(host).build());
        assertTrue(e.getMessage().contains("callback host") && e.getMessage().contains("x:tenant"), e.getMessage());
        // A name the builder cannot set (upper case) cannot be bound, so it is refused too.
        CallbackParameters upper = CallbackParameters.builder().callbackUrl("https://app.example/cb?r=${X:Role}")
                .callbackBody("object=${object}").build();
        assertThrows(IllegalStateException.class, () -> base().objectKey("a.png").callback(upper).build());
        // Bound, the same URL is signed, with the variable's exact-match condition.
        CallbackParameters bound = CallbackParameters.builder()
                .callbackUrl("https://app.example/oss/callback?role=${x:role}").callbackBody("object=${object}")
                .customVariable("x:role", "member").build();
        assertTrue(conditions(base().objectKey("a.png").callback(bound).build())
                .contains("[\"eq\",\"$x:role\",\"member\"]"));
    }

    @Test
    void everyPolicyBoundsTheSizeWithTheStatedDefaultWhenNoneIsSet() throws Exception {
        assertEquals(100L * 1024 * 1024, PostPolicy.DEFAULT_MAX_OBJECT_BYTES);
        List<String> defaults = conditions(base().objectKey("a.png").build());
        assertTrue(defaults.contains("[\"content-length-range\",0," + PostPolicy.DEFAULT_MAX_OBJECT_BYTES + "]"),
                defaults::toString);
        List<String> set = conditions(base().objectKey("a.png").contentLengthRange(1, PostPolicy.MAX_OBJECT_BYTES)
                .build());
        assertTrue(set.contains("[\"content-length-range\",1," + PostPolicy.MAX_OBJECT_BYTES + "]"), set::toString);
        assertEquals(1, set.stream().filter(c -> c.contains("content-length-range")).count(), set::toString);
    }

    @Test
    void prefixPolicyLeavesTheKeyToTheFrontEndUnderTheBoundPrefix() throws Exception {
        PostPolicy p = base().keyPrefix("users/42/").contentLengthRange(1, 1024).contentTypePrefix("image/").build();
        assertFalse(p.fields().containsKey("key"));
        assertEquals("users/42/", p.keyPrefix().orElseThrow());
        List<String> conditions = conditions(p);
        assertTrue(conditions.contains("[\"starts-with\",\"$key\",\"users/42/\"]"), conditions::toString);
        assertTrue(conditions.contains("[\"content-length-range\",1,1024]"), conditions::toString);
        assertTrue(conditions.contains("[\"starts-with\",\"$content-type\",\"image/\"]"), conditions::toString);
    }

    @Test
    void jsonForTheFrontEndRoundTrips() throws Exception {
        PostPolicy p = base().keyPrefix("users/42/").callback(callback().build())
                .uploadUrl("http://127.0.0.1:9000/demo-bucket").build();
        JsonNode json = JsonCodec.MAPPER.readTree(p.toJson());
        assertEquals("http://127.0.0.1:9000/demo-bucket", json.get("uploadUrl").asText());
        assertEquals(p.expiresAt(), Instant.parse(json.get("expiresAt").asText()));
        assertEquals("users/42/", json.get("keyPrefix").asText());
        Map<String, String> fields = new LinkedHashMap<>();
        json.get("fields").fields().forEachRemaining(e -> fields.put(e.getKey(), e.getValue().asText()));
        assertEquals(p.fields(), fields);
        assertEquals(List.copyOf(p.fields().keySet()), List.copyOf(fields.keySet()));
    }

    @Test
    void secretNeverAppearsAndTokenAndSignatureStayOutOfToString() {
        OssCredentials sts = OssCredentials.sts("STS.id", SECRET, TOKEN);
        PostPolicy p = base(sts).objectKey("a.png").build();
        assertFalse(sts.toString().contains(SECRET) || sts.toString().contains(TOKEN), sts.toString());
        assertFalse(OssCredentials.of("id", SECRET).toString().contains(SECRET));
        assertFalse(p.toJson().contains(SECRET), "the secret must never reach the browser");
        assertTrue(p.toJson().contains(TOKEN), "the form needs the STS token");
        String shown = p.toString();
        assertFalse(shown.contains(SECRET) || shown.contains(TOKEN) || shown.contains(p.fields().get("x-oss-signature"))
                || shown.contains(p.fields().get("policy")), shown);
        assertTrue(shown.contains("a.png") && shown.contains("demo-bucket"), shown);
    }

    @Test
    void malformedCredentialsAreRefusedWithoutEchoingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OssCredentials.of("id", "secret with space"));
        assertFalse(e.getMessage().contains("secret with space"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OssCredentials.of("a/b", SECRET));
        assertThrows(IllegalArgumentException.class, () -> OssCredentials.sts("id", SECRET, ""));
    }

    @Test
    void refusesAnExpiryInThePastSayingWhenAndNow() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> base().objectKey("a.png").expiresAt(NOW.minusSeconds(1)).build());
        assertTrue(e.getMessage().contains("2026-11-25T21:29:59Z") && e.getMessage().contains("2026-11-25T21:30:00Z"),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> base().objectKey("a.png").expiresIn(Duration.ZERO).build());
    }

    @Test
    void refusesAV4ExpiryBeyondSevenDaysButV1MayGoFurther() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> base().objectKey("a.png").expiresIn(Duration.ofDays(7).plusSeconds(1)).build());
        assertTrue(e.getMessage().contains("PT168H1S") && e.getMessage().contains("PT168H"), e.getMessage());
        assertEquals(NOW.plus(Duration.ofDays(7)),
                base().objectKey("a.png").expiresIn(Duration.ofDays(7)).build().expiresAt());
        assertEquals(NOW.plus(Duration.ofDays(8)), base().objectKey("a.png").expiresIn(Duration.ofDays(8))
                .signatureVersion(PostPolicy.SignatureVersion.V1).build().expiresAt());
    }

    @Test
    void refusesAKeyOutsideTheUploadTokensPrefix() {
        String token = TOKENS.issueForPrefix("demo-bucket", "users/42/", "42", Duration.ofHours(1));
        CallbackParameters cb = callback().uploadToken(token).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> base().objectKey("users/43/a.png").callback(cb).build());
        assertTrue(e.getMessage().contains("'users/43/a.png'") && e.getMessage().contains("'users/42/'"),
                e.getMessage());
        IllegalStateException wider = assertThrows(IllegalStateException.class,
                () -> base().keyPrefix("users/").callback(cb).build());
        assertTrue(wider.getMessage().contains("'users/'") && wider.getMessage().contains("'users/42/'"),
                wider.getMessage());
        // Under the prefix but not a plain path: OSS would store it and the verifier refuse its callback.
        assertThrows(IllegalStateException.class, () -> base().objectKey("users/42/../43/a.png").callback(cb).build());
        assertThrows(IllegalStateException.class, () -> base().keyPrefix("users/42/./").callback(cb).build());
        // Inside the prefix, exactly or narrower: built.
        base().objectKey("users/42/a.png").callback(cb).build();
        base().keyPrefix("users/42/avatars/").callback(cb).build();
    }

    @Test
    void refusesAnUploadTokenForAnotherBucketOrObject() {
        CallbackParameters otherBucket = callback().uploadToken(
                TOKENS.issueForObject("other-bucket", "a.png", null, Duration.ofHours(1))).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> base().objectKey("a.png").callback(otherBucket).build());
        assertTrue(e.getMessage().contains("'other-bucket'") && e.getMessage().contains("'demo-bucket'"),
                e.getMessage());
        CallbackParameters oneObject = callback().uploadToken(
                TOKENS.issueForObject("demo-bucket", "a.png", null, Duration.ofHours(1))).build();
        assertThrows(IllegalStateException.class, () -> base().objectKey("b.png").callback(oneObject).build());
        assertThrows(IllegalStateException.class, () -> base().keyPrefix("x/").callback(oneObject).build());
        base().objectKey("a.png").callback(oneObject).build();
    }

    @Test
    void refusesAnUploadTokenThatExpiresBeforeThePolicy() {
        CallbackParameters cb = callback().uploadToken(
                TOKENS.issueForObject("demo-bucket", "a.png", null, Duration.ofMinutes(5))).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> base().objectKey("a.png").callback(cb).expiresIn(Duration.ofMinutes(10)).build());
        assertTrue(e.getMessage().contains("2026-11-25T21:35:00Z") && e.getMessage().contains("2026-11-25T21:40:00Z"),
                e.getMessage());
    }

    @Test
    void refusesAPolicyOverOssFieldSizeLimit() {
        // 1.6 MB of variable fits one field, but bound in the policy it makes the base64 policy over 2 MB.
        String big = "v".repeat(1_600_000);
        CallbackParameters cb = callback().customVariable("x:big", big).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> base().objectKey("a.png").callback(cb).build());
        assertTrue(e.getMessage().startsWith("form field 'policy' would be ")
                && e.getMessage().contains(String.valueOf(PostPolicy.MAX_FIELD_VALUE_BYTES)), e.getMessage());
    }

    @Test
    void refusesMissingPartsAndMalformedValuesSayingWhatWasExpected() {
        assertEquals("a bucket is required", assertThrows(IllegalStateException.class, () -> PostPolicy.builder()
                .credentials(OssCredentials.of("id", SECRET)).objectKey("a").build()).getMessage());
        assertEquals("credentials are required", assertThrows(IllegalStateException.class,
                () -> PostPolicy.builder().bucket("demo-bucket").build()).getMessage());
        assertTrue(assertThrows(IllegalStateException.class, () -> PostPolicy.builder()
                .credentials(OssCredentials.of("id", SECRET)).bucket("demo-bucket").objectKey("a").build())
                .getMessage().contains("region"));
        assertEquals("an object key or a key prefix is required",
                assertThrows(IllegalStateException.class, () -> base().build()).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PostPolicy.builder().region("oss-cn-hangzhou"))
                .getMessage().contains("'cn-hangzhou'"));
        assertThrows(IllegalArgumentException.class, () -> PostPolicy.builder().bucket("Demo_Bucket"));
        assertThrows(IllegalArgumentException.class, () -> PostPolicy.builder().keyPrefix("users/42"));
        assertThrows(IllegalArgumentException.class, () -> PostPolicy.builder().objectKey("/a.png"));
        assertThrows(IllegalArgumentException.class, () -> PostPolicy.builder().objectKey("k".repeat(1024)));
        assertThrows(IllegalArgumentException.class, () -> PostPolicy.builder().contentLengthRange(10, 1));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> PostPolicy.builder().contentLengthRange(0, PostPolicy.MAX_OBJECT_BYTES + 1)).getMessage()
                .contains(String.valueOf(PostPolicy.MAX_OBJECT_BYTES + 1)));
        assertThrows(IllegalArgumentException.class, () -> PostPolicy.builder().successActionStatus(302));
        assertThrows(IllegalArgumentException.class, () -> PostPolicy.builder().uploadUrl("ftp://x.example/"));
    }

    @Test
    void v1NeedsNoRegionWhenGivenAnUploadUrl() {
        PostPolicy p = PostPolicy.builder().credentials(OssCredentials.of("id", SECRET)).bucket("demo-bucket")
                .objectKey("a").uploadUrl("https://uploads.example.com").signatureVersion(PostPolicy.SignatureVersion.V1)
                .clock(new ManualClock(NOW)).build();
        assertEquals("https://uploads.example.com", p.uploadUrl());
    }
}
