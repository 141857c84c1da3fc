package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The key URL trusted last answers only for its own header: every other header is judged by the policy. */
class KeyUrlsTest {

    private static final String TRUSTED = "https://keys.example.com/oss/key-1.pem";
    private static final String ALSO_TRUSTED = "https://keys.example.com/oss/key-2.pem";

    private final KeyUrls keyUrls = new KeyUrls(KeyUrlPolicy.builder().allowPrefix("https://keys.example.com/oss/").build());

    @Test
    void theLastTrustedHeaderAnswersForItselfOnly() throws Exception {
        KeyUrls.Trusted first = keyUrls.fromHeader(header(TRUSTED));
        assertEquals(TRUSTED, first.decoded);
        assertSame(first, keyUrls.fromHeader(header(TRUSTED)));

        // Right after a trusted one: refused as before, whatever was trusted last.
        for (String refused : new String[] {"https://keys.example.com/other/key.pem", "https://evil.example/oss/key-1.pem",
            "http://keys.example.com/oss/key-1.pem"}) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                    () -> keyUrls.fromHeader(header(refused)));
            assertEquals(CallbackRejectedException.Reason.UNTRUSTED_KEY_URL, e.reason(), refused);
        }
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> keyUrls.fromHeader("not base64!"));
        assertEquals(CallbackRejectedException.Reason.MALFORMED_HEADER, e.reason());

        // Two trusted URLs in turn: each answers with its own.
        KeyUrls.Trusted second = keyUrls.fromHeader(header(ALSO_TRUSTED));
        assertEquals(ALSO_TRUSTED, second.decoded);
        assertSame(first, keyUrls.fromHeader(header(TRUSTED)));
        assertSame(second, keyUrls.fromHeader(header(ALSO_TRUSTED)));
    }

    private static String header(String keyUrl) {
        return Base64.getEncoder().encodeToString(keyUrl.getBytes(StandardCharsets.ISO_8859_1));
    }
}
