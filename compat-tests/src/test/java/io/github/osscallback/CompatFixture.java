package io.github.osscallback;

import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;

/** A verifier with a test key pinned for a test URL, and OSS-signed requests for it. */
final class CompatFixture {

    static final String KEY_URL = "https://keys.test/oss/key.pem";
    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";

    final OssCallbackSigner signer = OssCallbackSigner.generate();
    final CallbackVerifier verifier = builder().build();
    /** Refuses a body with a problem, where the default delivers it with {@code bodyProblem()}. */
    final CallbackVerifier strict = builder().strictBodyParsing(true).build();

    CallbackVerifier.Builder builder() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem())
                .remoteKeyFetching(false);
    }

    CallbackRequest signed(String contentType, String body) {
        return signer.request(KEY_URL, "/cb", null, contentType, body.getBytes(StandardCharsets.UTF_8)).build();
    }

    OssCallback verify(String contentType, String body) throws CallbackRejectedException {
        return verifier.verify(signed(contentType, body));
    }

    /**
     * The reason the strict verifier refuses a body for; the default verifier must deliver the
     * same body with a problem and no fields, so nothing beyond the limits is ever read.
     */
    CallbackRejectedException.Reason strictRejection(String contentType, String body) throws CallbackRejectedException {
        OssCallback delivered = verify(contentType, body);
        if (delivered.bodyProblem().isEmpty()) {
            throw new AssertionError("no body problem reported by default for a body the strict verifier refuses");
        }
        try {
            strict.verify(signed(contentType, body));
        } catch (CallbackRejectedException e) {
            return e.reason();
        }
        throw new AssertionError("the strict verifier accepted a body with a problem");
    }
}
