package io.github.osscallback.quarkus.app;

import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The key host the application under test trusts: a loopback key server serving a fresh signer's
 * public key, its prefix given to the application as {@code oss.callback.key-url-prefixes}. The
 * tests read the signer and key URL back from the configuration ({@link Callbacks}).
 */
public class KeyHost implements QuarkusTestResourceLifecycleManager {

    static final String SIGNER = "test.oss-signer-pem";
    static final String KEY_URL = "test.oss-key-url";

    private LoopbackKeyServer keyServer;

    @Override
    public Map<String, String> start() {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        try {
            keyServer = LoopbackKeyServer.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        keyServer.serve("/oss/key.pem", signer.publicKeyPem());
        return Map.of("oss.callback.key-url-prefixes", keyServer.baseUrl() + "/oss/",
                SIGNER, signer.privateKeyPem(),
                KEY_URL, keyServer.url("/oss/key.pem"));
    }

    @Override
    public void stop() {
        if (keyServer != null) {
            keyServer.close();
        }
    }
}
