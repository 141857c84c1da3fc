package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.spi.VerifierSettings;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verifier's {@code diagnostics} setting: off by default; on, a signature mismatch names its
 * likely cause in the rejection's message (the adapters' log line) and is refused all the same.
 */
class DiagnosticsSettingTest {

    private static final String KEY_URL = "https://keys.example.com/k.pem";
    private static final OssCallbackSigner SIGNER = OssCallbackSigner.generate();
    private static final byte[] BODY = "bucket=photos&object=a.jpg&size=12".getBytes(StandardCharsets.UTF_8);

    private static CallbackVerifier.Builder verifier() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.example.com/").build())
                .pinKey(KEY_URL, SIGNER.publicKeyPem())
                .remoteKeyFetching(false);
    }

    /** Signed for /oss/callback, received under a context path /app, as a servlet mapping adds one. */
    private static CallbackRequest withContextPath() {
        CallbackRequest.Builder request = CallbackRequest.builder().method("POST").path("/app/oss/callback").body(BODY);
        SIGNER.headers(KEY_URL, "/oss/callback", null, "application/x-www-form-urlencoded", BODY).forEach(request::header);
        return request.build();
    }

    @Test
    void offByDefaultTheRejectionNamesNoCause() {
        try (CallbackVerifier v = verifier().build()) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> v.verify(withContextPath()));
            assertEquals(CallbackRejectedException.Reason.SIGNATURE_MISMATCH, e.reason());
            assertFalse(e.getMessage().contains("likely cause"), e.getMessage());
        }
    }

    @Test
    void onTheRejectionNamesTheLikelyCauseAndIsStillASignatureMismatch() {
        try (CallbackVerifier v = verifier().diagnostics(true).build()) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> v.verify(withContextPath()));
            assertEquals(CallbackRejectedException.Reason.SIGNATURE_MISMATCH, e.reason());
            assertTrue(e.getMessage().endsWith("; likely cause: path_prefix_added"), e.getMessage());
        }
    }

    @Test
    void aReserializedBodyIsNamed() {
        byte[] json = "{\"bucket\":\"photos\",\"size\":12}".getBytes(StandardCharsets.UTF_8);
        CallbackRequest.Builder request = CallbackRequest.builder().method("POST").path("/cb")
                .body("{\"bucket\": \"photos\", \"size\": 12}".getBytes(StandardCharsets.UTF_8));
        SIGNER.headers(KEY_URL, "/cb", null, "application/json", json).forEach(request::header);
        try (CallbackVerifier v = verifier().diagnostics(true).build()) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> v.verify(request.build()));
            assertTrue(e.getMessage().endsWith("; likely cause: body_reserialized"), e.getMessage());
            assertFalse(e.getMessage().contains("photos"), "no body value in the message: " + e.getMessage());
        }
    }

    @Test
    void theSettingTurnsItOnByName() {
        CallbackVerifier.Builder builder = verifier();
        VerifierSettings.configure(builder, Map.of("diagnostics", "true"));
        try (CallbackVerifier v = builder.build()) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> v.verify(withContextPath()));
            assertTrue(e.getMessage().contains("likely cause: path_prefix_added"), e.getMessage());
        }
    }
}
