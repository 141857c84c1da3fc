package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.oss.internal.OSSUtils;
import com.aliyun.oss.model.Callback;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.upload.CallbackParameters;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alibaba's Java SDK (aliyun-sdk-oss) as an oracle: given the same callback URL, host, body
 * template, body type, SNI flag and custom variables, the {@code x-oss-callback} and
 * {@code x-oss-callback-var} headers we build decode to the same JSON as the SDK's.
 */
class SdkCallbackOracleTest {

    /** One set of inputs: URLs, host, template, type, SNI, custom variables. */
    static final class Inputs {
        final List<String> urls;
        final String host;
        final String body;
        final BodyType type;
        final boolean sni;
        final Map<String, String> vars;

        Inputs(List<String> urls, String host, String body, BodyType type, boolean sni,
               Map<String, String> vars) {
            this.urls = urls;
            this.host = host;
            this.body = body;
            this.type = type;
            this.sni = sni;
            this.vars = vars;
        }

        CallbackParameters ours() {
            CallbackParameters.Builder b = CallbackParameters.builder().callbackBody(body).bodyType(type);
            urls.forEach(b::callbackUrl);
            if (host != null) {
                b.callbackHost(host);
            }
            if (sni) {
                b.callbackSni(true);
            }
            vars.forEach(b::customVariable);
            return b.build();
        }

        /** The SDK is given what we send: the joined URLs and the template as built. */
        Map<String, String> sdkHeaders(CallbackParameters built) {
            Callback callback = new Callback();
            callback.setCallbackUrl(String.join(";", urls));
            if (host != null) {
                callback.setCallbackHost(host);
            }
            callback.setCallbackBody(built.callbackBody());
            callback.setCalbackBodyType(type == BodyType.JSON
                    ? Callback.CalbackBodyType.JSON : Callback.CalbackBodyType.URL);
            callback.setCallbackSNI(sni);
            built.customVariables().forEach(callback::addCallbackVar);
            Map<String, String> headers = new HashMap<>();
            OSSUtils.populateRequestCallback(headers, callback);
            return headers;
        }

        @Override
        public String toString() {
            return type + " " + body + (vars.isEmpty() ? "" : " " + vars.keySet());
        }
    }

    static Stream<Arguments> inputs() {
        Map<String, String> unicodeVars = new LinkedHashMap<>();
        unicodeVars.put("x:uid", "\u7528\u6237-42");
        unicodeVars.put("x:note", "a b&c=d");
        return Stream.of(
                new Inputs(List.of("https://app.example.com/oss/callback"), null,
                        "bucket=${bucket}&object=${object}&size=${size}&mimeType=${mimeType}",
                        BodyType.FORM, false, Map.of()),
                new Inputs(List.of("https://app.example.com/oss/callback"), "app.example.com",
                        "{\"bucket\":${bucket},\"object\":${object},\"size\":${size},\"height\":${imageInfo.height}}",
                        BodyType.JSON, true, Map.of()),
                new Inputs(List.of("https://a.example.com/cb", "https://b.example.com:8443/cb?tenant=7"), null,
                        "object=${object}&uid=${x:uid}", BodyType.FORM, false, Map.of("x:uid", "42")),
                new Inputs(List.of("http://203.0.113.7:8080/cb"), null,
                        "object=${object}&uid=${x:uid}&note=${x:note}", BodyType.FORM, false, unicodeVars),
                new Inputs(List.of("https://app.example.com/cb"), null,
                        "{\"object\":${object},\"uid\":${x:uid},\"etag\":${etag},\"crc64\":${crc64}}",
                        BodyType.JSON, false, Map.of("x:uid", "7")))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("inputs")
    void headersDecodeToTheSameJsonAsTheSdks(Inputs inputs) throws Exception {
        CallbackParameters ours = inputs.ours();
        Map<String, String> sdk = inputs.sdkHeaders(ours);
        assertEquals(sdkCallbackJson(sdk, ours.callbackBody()), json(ours.callbackHeader()), "x-oss-callback");
        if (inputs.vars.isEmpty()) {
            assertFalse(ours.callbackVarHeader().isPresent());
            assertFalse(sdk.containsKey("x-oss-callback-var"));
        } else {
            assertEquals(json(sdk.get("x-oss-callback-var")), json(ours.callbackVarHeader().orElseThrow()),
                    "x-oss-callback-var");
        }
    }

    @Test
    void uploadTokenTravelsAsTheSdkWouldSendItsFieldAndVariable() throws Exception {
        UploadTokens tokens = UploadTokens.builder()
                .signingKey("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)).build();
        String token = tokens.issueForObject("bucket-1", "users/42/cat.png", "42", java.time.Duration.ofMinutes(5));
        CallbackParameters ours = CallbackParameters.builder().callbackUrl("https://app.example.com/cb")
                .callbackBody("bucket=${bucket}&object=${object}").uploadToken(token).build();
        Inputs same = new Inputs(List.of("https://app.example.com/cb"), null, "bucket=${bucket}&object=${object}",
                BodyType.FORM, false, Map.of(UploadTokens.VARIABLE, token));
        Map<String, String> sdk = same.sdkHeaders(ours);
        assertEquals(json(sdk.get("x-oss-callback")), json(ours.callbackHeader()));
        assertEquals(json(sdk.get("x-oss-callback-var")), json(ours.callbackVarHeader().orElseThrow()));
    }

    @Test
    void nonAsciiCallbackUrlIsEncodedAsOssRequiresWhereTheSdkSendsItRaw() throws Exception {
        // OSS's API reference requires a percent-encoded callbackUrl; the SDK passes the text through.
        String raw = "https://app.example.com/\u56de\u8c03?name=\u503c";
        CallbackParameters ours = CallbackParameters.builder().callbackUrl(raw).callbackBody("object=${object}").build();
        String sent = JsonCodec.MAPPER.readTree(ours.callbackJson()).get("callbackUrl").asText();
        assertEquals("https://app.example.com/%E5%9B%9E%E8%B0%83?name=%E5%80%BC", sent);
        Inputs sdkInputs = new Inputs(List.of(raw), null, "object=${object}", BodyType.FORM,
                false, Map.of());
        assertEquals(raw, json(sdkInputs.sdkHeaders(ours).get("x-oss-callback")).get("callbackUrl").asText());
        assertNotEquals(sent, raw);
    }

    @Test
    void templateWithQuotesAndBackslashesIsValidJsonOnlyOnOurSide() throws Exception {
        // The SDK writes the template into its JSON without escaping: OSS would get invalid JSON.
        String body = "object=${object}&say=\"hi\"&path=a\\b";
        CallbackParameters ours = CallbackParameters.builder().callbackUrl("https://app.example.com/cb")
                .callbackBody(body).build();
        assertEquals(body, json(ours.callbackHeader()).get("callbackBody").asText());
        Map<String, String> sdk = new Inputs(List.of("https://app.example.com/cb"), null, body,
                BodyType.FORM, false, Map.of()).sdkHeaders(ours);
        String sdkJson = new String(Base64.getDecoder().decode(sdk.get("x-oss-callback")), StandardCharsets.UTF_8);
        assertTrue(sdkJson.contains(body), sdkJson);
        assertThrows(Exception.class, () -> JsonCodec.MAPPER.readTree(sdkJson));
    }

    /**
     * The SDK's x-oss-callback as JSON. The SDK does not escape the body template, so a template
     * holding {@code "} or {@code \\} (every JSON template does) makes it send invalid JSON; that SDK
     * defect is shown here, then the template is escaped in its text before comparing the rest.
     */
    private static JsonNode sdkCallbackJson(Map<String, String> sdkHeaders, String template) throws Exception {
        String text = new String(Base64.getDecoder().decode(sdkHeaders.get("x-oss-callback")), StandardCharsets.UTF_8);
        if (template.indexOf('"') < 0 && template.indexOf('\\') < 0) {
            return JsonCodec.MAPPER.readTree(text);
        }
        assertThrows(Exception.class, () -> JsonCodec.MAPPER.readTree(text), "the SDK sent the template unescaped");
        String quoted = JsonCodec.MAPPER.writeValueAsString(template);
        String repaired = text.replace("\"" + template + "\"", quoted);
        assertNotEquals(text, repaired, "the template appears verbatim in the SDK's JSON");
        return JsonCodec.MAPPER.readTree(repaired);
    }

    private static JsonNode json(String base64) throws Exception {
        return JsonCodec.MAPPER.readTree(Base64.getDecoder().decode(base64));
    }
}
