package io.github.osscallback;

import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.OssTemplate;
import io.github.osscallback.upload.CallbackParameters;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Plays OSS for parameters the builder made: renders their template with {@link OssTemplate},
 * signs the request, and verifies it with a strict verifier, so any body problem fails the test.
 */
final class RoundTrip {

    static final String KEY_URL = "https://keys.test/oss/key.pem";
    static final OssCallbackSigner OSS = OssCallbackSigner.generate();
    static final CallbackVerifier STRICT = verifier().build();

    private RoundTrip() {
    }

    static CallbackVerifier.Builder verifier() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, OSS.publicKeyPem())
                .remoteKeyFetching(false)
                .strictBodyParsing(true);
    }

    static OssCallback verified(CallbackParameters parameters, Map<String, String> systemValues)
            throws CallbackRejectedException {
        return verified(STRICT, parameters, systemValues, "/cb", null);
    }

    static OssCallback verified(CallbackVerifier verifier, CallbackParameters parameters, Map<String, String> systemValues,
                                String rawPath, String rawQuery) throws CallbackRejectedException {
        byte[] body = OssTemplate.render(parameters, systemValues).getBytes(StandardCharsets.UTF_8);
        return verifier.verify(OSS.request(KEY_URL, rawPath, rawQuery, parameters.bodyType().mediaType(), body).build());
    }
}
