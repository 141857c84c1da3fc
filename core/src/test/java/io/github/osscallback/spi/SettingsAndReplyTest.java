package io.github.osscallback.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.OssCallback;
import io.github.osscallback.UploadTokens;
import io.github.osscallback.spi.VerifierSettings;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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
        CallbackVerifier v = VerifierSettings.configure(CallbackVerifier.builder(), settings)
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
        assertThrows(IllegalArgumentException.class, () -> VerifierSettings.configure(CallbackVerifier.builder(), Map.of("maxBodyByte", "1")));
        assertThrows(IllegalArgumentException.class, () -> VerifierSettings.configure(CallbackVerifier.builder(), Map.of("maxBodyBytes", "ten")));
        assertThrows(IllegalArgumentException.class, () -> VerifierSettings.configure(CallbackVerifier.builder(), Map.of("pinnedOssKey", "yes")));
        assertThrows(IllegalArgumentException.class, () -> VerifierSettings.configure(CallbackVerifier.builder(), Map.of("bodyFields", "objekt=f")));
        assertThrows(IllegalArgumentException.class, () -> VerifierSettings.configure(CallbackVerifier.builder(), Map.of("keyUrlPrefixes", " ")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "maxBodyByte, maxBodyBytes",             // a letter short
        "maxbodybytes, maxBodyBytes",            // case does not count
        "max-body-bytes, maxBodyBytes",          // the starter's spelling
        "oss.callback.maxBodyBytes, maxBodyBytes", // the JAX-RS spelling as an init-param
        "replayWindow, replayWindowSeconds",     // the unit left off
        "confirmWithOss, confirmWithOssBuckets", // the first that starts alike
        "expectedBodyTyp, expectedBodyType",
        "keyUrlPrefix, keyUrlPrefixes",
    })
    void anUnknownNameFindsTheNearestSetting(String given, String nearest) {
        assertEquals(Optional.of(nearest), VerifierSettings.nearestName(given, VerifierSettings.NAMES));
    }

    @Test
    void aNameFarFromEverySettingFindsNone() {
        assertEquals(Optional.empty(), VerifierSettings.nearestName("timeout", VerifierSettings.NAMES));
        assertEquals(Optional.empty(), VerifierSettings.nearestName("x", VerifierSettings.NAMES));
    }

    @Test
    void anUnknownSettingIsRefusedWithTheNearestSuggested() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VerifierSettings.configure(CallbackVerifier.builder(), Map.of("replayWindow", "600")));
        assertTrue(e.getMessage().startsWith("unknown setting 'replayWindow' (did you mean replayWindowSeconds?)"),
                e.getMessage());
    }

    /** 32 random bytes each, in base64 with '+', '/' and one '=' pad. */
    static final String SECRET = "1NUP+Mo2vS32bAZb+mwGPedvyzyn/4DzYsvoes7+Jy8=";
    static final String OTHER_SECRET = "ix/R1qtpZN4n4J0TzsaNSK4K++PRcQrvRnfA0q2vSUc=";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{S}",                      // secret without key id
        "{S_UNPADDED}",             // the same, padding stripped
        "k1:{S}",                   // colon for '='
        "k1:{S_UNPADDED}",
        "k1 = {S}",                 // spaces around '='
        "{S}=k1",                   // reversed
        "={S}",                     // empty key id
        "k1==",                     // padding only, no secret
        "k1=={S}",                  // doubled =
        "k1={S},k2==",              // second entry without its secret
        "k1={S};k2={T}",            // semicolon for the separator
        "k1={S},k1={T}",            // repeated key id
        "k1=\"{S}\"",               // quoted
        "k1={S}==",                 // extra padding
        "k1={S_URL}",               // URL-safe alphabet
        "k1={S_SHORT}",             // too short
        "k1={T},{S}",               // second entry is a bare secret
        "averyveryveryverylongkeyidthatisover32={S}",
    })
    void uploadTokenKeysTyposNeverEchoTheSecret(String template) {
        String value = template
                .replace("{S_UNPADDED}", SECRET.replace("=", ""))
                .replace("{S_URL}", SECRET.replace('+', '-').replace('/', '_') + "-_")
                .replace("{S_SHORT}", SECRET.substring(0, 20))
                .replace("{S}", SECRET)
                .replace("{T}", OTHER_SECRET);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VerifierSettings.configure(CallbackVerifier.builder(), Map.of("uploadTokenKeys", value)));
        assertTrue(e.getMessage().contains("uploadTokenKeys"), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertNoPartOf(SECRET, t.getMessage());
            assertNoPartOf(OTHER_SECRET, t.getMessage());
            assertNoPartOf(SECRET.replace('+', '-').replace('/', '_'), t.getMessage());
        }
    }

    @Test
    void uploadTokenKeyErrorsNameTheEntryByPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VerifierSettings.configure(CallbackVerifier.builder(), Map.of("uploadTokenKeys", "k1=" + SECRET + ", k2:" + OTHER_SECRET)));
        assertTrue(e.getMessage().contains("entry 2 of 2"), e.getMessage());
        assertTrue(e.getMessage().contains("keyId=base64secret"), e.getMessage());
    }

    @Test
    void uploadTokensBuilderNeverEchoesWhatItWasGivenAsAKeyId() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UploadTokens.builder()
                .signingKey(SECRET, Base64.getDecoder().decode(SECRET)));
        assertNoPartOf(SECRET, e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> UploadTokens.builder()
                .signingKey("k1", Base64.getDecoder().decode(SECRET.substring(0, 20))));
        assertNoPartOf(SECRET, e.getMessage());
    }

    private static void assertNoPartOf(String secret, String message) {
        if (message == null) {
            return;
        }
        for (int i = 0; i + 6 <= secret.length(); i++) {
            String part = secret.substring(i, i + 6);
            assertFalse(message.contains(part), "message contains '" + part + "' of the secret: " + message);
        }
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
