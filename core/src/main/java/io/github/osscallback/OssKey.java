package io.github.osscallback;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.interfaces.RSAPublicKey;

/** The public key OSS publishes at {@link CallbackVerifier#OSS_KEY_URL}, shipped as a resource. */
final class OssKey {

    static final RSAPublicKey PUBLIC_KEY = load();

    private OssKey() {
    }

    private static RSAPublicKey load() {
        try (InputStream in = OssKey.class.getResourceAsStream("callback_pub_key_v1.pem")) {
            if (in == null) {
                throw new IllegalStateException("callback_pub_key_v1.pem is missing from the jar");
            }
            return PemKeys.parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (PemKeys.InvalidKeyFormat e) {
            throw new IllegalStateException("shipped OSS key does not parse: " + e.getMessage(), e);
        }
    }
}
