package io.github.osscallback.gateway;

import io.github.osscallback.fixtures.HostileCorpus;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/**
 * What every gateway test application in this JVM shares, started once (Spring caches the
 * application between test classes, so these outlive each class and stop with the JVM): OSS's
 * signing key and key host, an attacker's key and key host laid out as the hostile corpus expects,
 * and the downstream service.
 */
final class Edge {

    static final OssCallbackSigner OSS = OssCallbackSigner.generate();
    static final OssCallbackSigner ATTACKER = OssCallbackSigner.generate();
    static final LoopbackKeyServer TRUSTED;
    static final LoopbackKeyServer UNTRUSTED;
    static final Downstream DOWNSTREAM = Downstream.start();

    static {
        try {
            TRUSTED = LoopbackKeyServer.start();
            UNTRUSTED = LoopbackKeyServer.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TRUSTED.serve("/oss/key.pem", OSS.publicKeyPem())
                .serve("/oss/other-key.pem", ATTACKER.publicKeyPem())
                .serve("/oss/garbage.pem", HostileCorpus.GARBAGE_PEM)
                .answer("/oss/redirect.pem", 302, "", Duration.ZERO, Map.of("Location", UNTRUSTED.url("/key.pem")));
        UNTRUSTED.serve("/key.pem", ATTACKER.publicKeyPem()).serve("/oss/key.pem", ATTACKER.publicKeyPem());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            DOWNSTREAM.close();
            TRUSTED.close();
            UNTRUSTED.close();
        }, "edge-stop"));
    }

    private Edge() {
    }

    static String keyUrl() {
        return TRUSTED.url("/oss/key.pem");
    }

    /** The headers OSS sends with a callback of this body to this path and query. */
    static Map<String, String> signed(OssCallbackSigner signer, String path, String query, String contentType,
                                      byte[] body) {
        return signer.headers(keyUrl(), path, query, contentType, body);
    }
}
