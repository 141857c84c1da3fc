package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The container-neutral settings parser and the JSON replies OSS expects. */
class SettingsAndReplyTest {

    @Test
    void settingsConfigurePolicyLimitAndFieldNames() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("keyUrlPrefixes", "https://a.test/oss/, https://b.test/keys/");
        settings.put("maxBodyBytes", "100");
        settings.put("remoteKeyFetching", "false");
        settings.put("pinnedOssKey", "false");
        settings.put("bodyFields", "object=filename");
        CallbackVerifier v = CallbackVerifier.builder().settings(settings)
                .pinKey("https://b.test/keys/k.pem", signer.publicKeyPem()).build();
        assertEquals(100, v.maxBodyBytes());
        assertTrue(v.keyUrlPolicy().allows("https://a.test/oss/k.pem"));
        assertTrue(!v.keyUrlPolicy().allows("https://gosspublic.alicdn.com/callback_pub_key_v1.pem"));
        OssCallback cb = v.verify(signer.request("https://b.test/keys/k.pem", "/cb", null, null,
                "filename=x.png".getBytes(StandardCharsets.UTF_8)).build());
        assertEquals("x.png", cb.object().orElseThrow());
    }

    @Test
    void settingsRejectUnknownNamesAndBadValues() {
        assertThrows(IllegalArgumentException.class, () -> CallbackVerifier.builder().settings(Map.of("maxBodyByte", "1")));
        assertThrows(IllegalArgumentException.class, () -> CallbackVerifier.builder().settings(Map.of("maxBodyBytes", "ten")));
        assertThrows(IllegalArgumentException.class, () -> CallbackVerifier.builder().settings(Map.of("pinnedOssKey", "yes")));
        assertThrows(IllegalArgumentException.class, () -> CallbackVerifier.builder().settings(Map.of("bodyFields", "objekt=f")));
        assertThrows(IllegalArgumentException.class, () -> CallbackVerifier.builder().settings(Map.of("keyUrlPrefixes", " ")));
    }

    @Test
    void okReplyIsJsonWithExactLength() {
        CallbackReply ok = CallbackReply.ok();
        assertEquals(200, ok.status());
        assertEquals("application/json", ok.contentType());
        assertEquals("{\"Status\":\"OK\"}", ok.bodyAsString());
        assertEquals(ok.body().length, ok.contentLength());
    }

    @Test
    void mapReplyCountsUtf8Bytes() {
        CallbackReply reply = CallbackReply.json(Map.of("object", "\u4e2d"));
        assertEquals("{\"object\":\"\u4e2d\"}", reply.bodyAsString());
        assertEquals(reply.bodyAsString().getBytes(StandardCharsets.UTF_8).length, reply.contentLength());
    }

    @Test
    void textReplyMustBeJson() {
        assertEquals("[1]", CallbackReply.json("[1]").bodyAsString());
        assertThrows(IllegalArgumentException.class, () -> CallbackReply.json("OK"));
        assertThrows(IllegalArgumentException.class, () -> CallbackReply.json(""));
    }

    @Test
    void replyOverOneMegabyteIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> CallbackReply.json(Map.of("x", "a".repeat(CallbackReply.MAX_BODY_BYTES))));
    }

    @Test
    void rejectionReplyCarriesStatusAndReasonCode() {
        CallbackReply reply = new CallbackRejectedException(CallbackRejectedException.Reason.SIGNATURE_MISMATCH, "m").toReply();
        assertEquals(403, reply.status());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"signature_mismatch\"}", reply.bodyAsString());
    }
}
