package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.upload.CallbackParameters;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The x-oss-callback and x-oss-callback-var values, as the OSS SDKs render them. */
class CallbackParametersTest {

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    @Test
    void rendersSdkSampleAsBase64Json() {
        // The Java SDK's CallbackSample: a JSON body with unquoted placeholders and two custom variables.
        CallbackParameters p = CallbackParameters.builder()
                .callbackUrl("http://oss-demo.aliyuncs.com:23450")
                .callbackHost("oss-cn-hangzhou.aliyuncs.com")
                .callbackBody("{\"mimeType\":${mimeType},\"size\":${size}}")
                .bodyType(BodyType.JSON)
                .customVariable("x:var1", "value1")
                .customVariable("x:var2", "value2")
                .build();
        assertEquals("{\"callbackUrl\":\"http://oss-demo.aliyuncs.com:23450\",\"callbackHost\":\"oss-cn-hangzhou.aliyuncs.com\","
                + "\"callbackBody\":\"{\\\"mimeType\\\":${mimeType},\\\"size\\\":${size}}\",\"callbackBodyType\":\"application/json\"}",
                decode(p.callbackHeader()));
        assertEquals("{\"x:var1\":\"value1\",\"x:var2\":\"value2\"}", decode(p.callbackVarHeader().orElseThrow()));
    }

    @Test
    void joinsSeveralUrlsWithSemicolonAndRendersSni() {
        CallbackParameters p = CallbackParameters.builder()
                .callbackUrl("https://a.example/cb").callbackUrl("https://b.example/cb")
                .callbackBody("bucket=${bucket}&object=${object}&uid=${x:uid}")
                .callbackSni(true)
                .build();
        assertEquals("{\"callbackUrl\":\"https://a.example/cb;https://b.example/cb\",\"callbackBody\":"
                + "\"bucket=${bucket}&object=${object}&uid=${x:uid}\",\"callbackSNI\":true,"
                + "\"callbackBodyType\":\"application/x-www-form-urlencoded\"}", p.callbackJson());
        assertTrue(p.callbackVarHeader().isEmpty());
    }

    @Test
    void postObjectFieldsCarryCallbackAndCustomVariables() {
        CallbackParameters p = CallbackParameters.builder().callbackUrl("https://a.example/cb")
                .callbackBody("object=${object}").customVariable("x:uid", "\u4e2d").build();
        Map<String, String> fields = p.postObjectFormFields();
        assertEquals(p.callbackHeader(), fields.get("callback"));
        assertEquals("\u4e2d", fields.get("x:uid"));
    }

    @Test
    void refusesCallbackUrlWhoseQueryNamesABodyField() {
        // The verifier would refuse every such callback as ambiguous_parameter; say so at issue time.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CallbackParameters.builder()
                .callbackUrl("https://a.example/cb?tenant=7&object=x")
                .callbackBody("bucket=${bucket}&object=${object}").build());
        assertTrue(e.getMessage().contains("ambiguous_parameter"), e.getMessage());
        CallbackParameters.builder().callbackUrl("https://a.example/cb?tenant=7")
                .callbackBody("bucket=${bucket}&object=${object}").build();
    }

    @Test
    void refusesInvalidParameters() {
        assertThrows(IllegalArgumentException.class, () -> CallbackParameters.builder().customVariable("uid", "1"));
        assertThrows(IllegalArgumentException.class, () -> CallbackParameters.builder().customVariable("x:UID", "1"));
        assertThrows(IllegalArgumentException.class, () -> CallbackParameters.builder().callbackUrl("ftp://a.example/"));
        assertThrows(IllegalArgumentException.class, () -> CallbackParameters.builder().callbackUrl("https://a.example/;x"));
        CallbackParameters.Builder six = CallbackParameters.builder();
        for (int i = 0; i < 5; i++) {
            six.callbackUrl("https://a.example/" + i);
        }
        assertThrows(IllegalArgumentException.class, () -> six.callbackUrl("https://a.example/6"));
        assertThrows(IllegalStateException.class, () -> CallbackParameters.builder().callbackBody("a=${b}").build());
        assertThrows(IllegalStateException.class, () -> CallbackParameters.builder().callbackUrl("https://a.example")
                .callbackBody("a=${bucket}&b=${objekt}").build());
        assertThrows(IllegalStateException.class, () -> CallbackParameters.builder().callbackUrl("https://a.example")
                .callbackBody("{\"a\":${bucket}").bodyType(BodyType.JSON).build());
    }

    private static CallbackParameters.Builder form(String template) {
        return CallbackParameters.builder().callbackUrl("https://a.example/cb").callbackBody(template);
    }

    private static CallbackParameters.Builder json(String template) {
        return form(template).bodyType(BodyType.JSON);
    }

    private static String refusal(CallbackParameters.Builder builder) {
        return assertThrows(IllegalStateException.class, builder::build).getMessage();
    }

    @Test
    void sendsAPercentThatStartsNoEscapeAsPercent25SoTheVerifierReadsIt() throws Exception {
        CallbackParameters p = form("discount=50%&rate=%zz&done=100%25&object=${object}").build();
        assertEquals("discount=50%25&rate=%25zz&done=100%25&object=${object}", p.callbackBody());
        assertTrue(p.callbackJson().contains("discount=50%25"), p.callbackJson());
        OssCallback callback = RoundTrip.verified(p, Map.of("object", "a.png"));
        assertEquals("50%", callback.field("discount").orElseThrow());
        assertEquals("%zz", callback.field("rate").orElseThrow());
        assertEquals("100%", callback.field("done").orElseThrow());
    }

    @Test
    void refusesAFormFieldNamedTwice() {
        String message = refusal(form("a=${bucket}&a=${object}"));
        assertTrue(message.contains("'a' appears more than once"), message);
    }

    @Test
    void refusesAnUploadTokenFieldTheTemplateAlreadyUses() {
        assertThrows(IllegalStateException.class, () -> form("bucket=constant&size=${size}").uploadToken("t").build());
    }

    @Test
    void refusesANonNumberWhereTheVerifierReadsANumber() {
        String message = refusal(form("size=${object}&bucket=${bucket}"));
        assertTrue(message.contains("'size' would not hold a whole number"), message);
        refusal(json("{\"imageInfo\":{\"height\":${mimeType}}}"));
        refusal(form("size=big"));
        form("size=${size}&imageInfo.width=640&imageInfo.height=${x:h}").build();
    }

    @Test
    void refusesFormEscapesThatAreNotUtf8() {
        String message = refusal(form("name=caf%E9&object=${object}"));
        assertTrue(message.contains("not UTF-8"), message);
    }

    @Test
    void refusesAQuotedPlaceholderInAJsonTemplateSayingWhatOssDoes() {
        String message = refusal(json("{\"bucket\":\"${bucket}\"}"));
        assertTrue(message.contains("unquoted") && message.contains("OSS inserts strings as quoted JSON strings"), message);
        refusal(json("{\"path\":\"users/${object}\"}"));
    }

    @Test
    void acceptsAQuotedNumberPlaceholderSinceTheVerifierReadsNumbersSentAsStrings() throws Exception {
        CallbackParameters p = json("{\"object\":${object},\"size\":\"${size}\"}").build();
        assertEquals(java.util.OptionalLong.of(7), RoundTrip.verified(p, Map.of("object", "o", "size", "7")).size());
    }

    @Test
    void refusesJsonTemplatesTheVerifierCouldNotRead() {
        refusal(json("{\"a.b\":${bucket},\"a\":{\"b\":${object}}}"));
        refusal(json("{\"a\":${bucket},\"a\":${object}}"));
        refusal(json("[${bucket}]"));
        refusal(json("bucket=${bucket}&object=${object}"));
    }

    @Test
    void encodesNonAsciiCallbackUrlsAsOssRequires() {
        CallbackParameters p = form("a=${bucket}")
                .callbackUrl("https://\u4f8b\u3048.jp:8443/\u56de\u8c03/a b?name=\u503c&x=%20").build();
        assertEquals("https://a.example/cb;https://xn--r8jz45g.jp:8443/%E5%9B%9E%E8%B0%83/a%20b?name=%E5%80%BC&x=%20",
                callbackUrl(p));
    }

    private static String callbackUrl(CallbackParameters p) {
        try {
            return JsonCodec.MAPPER.readTree(p.callbackJson()).get("callbackUrl").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void refusesIpv6CallbackUrlsWhichOssDoesNotSupport() {
        String message = assertThrows(IllegalArgumentException.class,
                () -> CallbackParameters.builder().callbackUrl("http://[::1]:8080/cb")).getMessage();
        assertTrue(message.contains("IPv6"), message);
        assertThrows(IllegalArgumentException.class, () -> CallbackParameters.builder().callbackUrl("https://[2001:db8::1]/cb"));
    }
}
