package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
                .bodyType(CallbackParameters.BodyType.JSON)
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
                .callbackBody("{\"a\":${bucket}").bodyType(CallbackParameters.BodyType.JSON).build());
    }
}
