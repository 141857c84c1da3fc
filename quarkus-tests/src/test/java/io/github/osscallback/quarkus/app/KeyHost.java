package io.github.osscallback.quarkus.app;

import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.OssStandIn;
import io.github.osscallback.testing.SigningCertificate;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/**
 * The key hosts the application under test trusts: a loopback key server serving a fresh signer's
 * public key, and an OSS stand-in signing its callbacks with the same key, both prefixes given to
 * the application as {@code oss.callback.key-url-prefixes}; and a certificate MNS and EventBridge
 * deliveries are signed with, its prefix given as {@code oss.callback.events.*-certificate-prefixes}. The
 * tests read the signer and key URL back from the configuration ({@link Callbacks}).
 */
public class KeyHost implements QuarkusTestResourceLifecycleManager {

    static final String SIGNER = "test.oss-signer-pem";
    static final String KEY_URL = "test.oss-key-url";

    static final String OSS_ENDPOINT = "test.oss-endpoint";
    static final String ACCESS_KEY_ID = "LTAI5tQuarkusTest";
    static final String ACCESS_KEY_SECRET = "quarkusTestSecret0123456789abcdef";
    static final String BUCKET = "photos";

    static final String ATTACKER_SIGNER = "test.attacker-signer-pem";
    static final String EVENT_CERTIFICATE = "test.event-certificate-pem";
    static final String EVENT_KEY = "test.event-key-pem";
    static final String EVENT_CERTIFICATE_URL = "test.event-certificate-url";
    static final String TRUSTED_BASE = "test.trusted-base";
    static final String ATTACKER_BASE = "test.attacker-base";

    private LoopbackKeyServer keyServer;
    private LoopbackKeyServer attacker;
    private OssStandIn oss;

    @Override
    public Map<String, String> start() {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        try {
            keyServer = LoopbackKeyServer.start();
            attacker = LoopbackKeyServer.start();
            // The OSS stand-in signs its callbacks with the same key and serves it at its own key URL.
            oss = OssStandIn.builder().buckets(BUCKET).accessKey(ACCESS_KEY_ID, ACCESS_KEY_SECRET).signer(signer)
                    .callbackTimeout(Duration.ofSeconds(60)).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        OssCallbackSigner attackerSigner = OssCallbackSigner.generate();
        // For the hostile corpus: a trusted host serving another key, garbage, and a redirect elsewhere.
        keyServer.serve("/oss/key.pem", signer.publicKeyPem())
                .serve("/oss/other-key.pem", attackerSigner.publicKeyPem())
                .serve("/oss/garbage.pem", "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n")
                .answer("/oss/redirect.pem", 302, "", Duration.ZERO, Map.of("Location", attacker.url("/key.pem")));
        attacker.serve("/key.pem", attackerSigner.publicKeyPem()).serve("/oss/key.pem", attackerSigner.publicKeyPem());
        String standInKeys = oss.keyUrl().substring(0, oss.keyUrl().lastIndexOf('/') + 1);
        // MNS and EventBridge sign deliveries with a certificate the same host serves.
        SigningCertificate events = SigningCertificate.generate();
        keyServer.serve("/events/cert.pem", events.pem());
        return Map.ofEntries(Map.entry("oss.callback.key-url-prefixes", keyServer.baseUrl() + "/oss/," + standInKeys),
                Map.entry("oss.callback.events.mns-certificate-prefixes", keyServer.baseUrl() + "/events/"),
                Map.entry("oss.callback.events.event-bridge-certificate-prefixes", keyServer.baseUrl() + "/events/"),
                Map.entry(EVENT_CERTIFICATE, events.pem()),
                Map.entry(EVENT_KEY, events.privateKeyPem()),
                Map.entry(EVENT_CERTIFICATE_URL, keyServer.url("/events/cert.pem")),
                Map.entry(SIGNER, signer.privateKeyPem()),
                Map.entry(KEY_URL, keyServer.url("/oss/key.pem")),
                Map.entry(OSS_ENDPOINT, oss.endpoint().toString()),
                Map.entry(ATTACKER_SIGNER, attackerSigner.privateKeyPem()),
                Map.entry(TRUSTED_BASE, keyServer.baseUrl()),
                Map.entry(ATTACKER_BASE, attacker.baseUrl()));
    }

    @Override
    public void stop() {
        if (oss != null) {
            oss.close();
        }
        if (keyServer != null) {
            keyServer.close();
        }
        if (attacker != null) {
            attacker.close();
        }
    }
}
