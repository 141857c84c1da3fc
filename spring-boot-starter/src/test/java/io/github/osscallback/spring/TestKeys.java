package io.github.osscallback.spring;

import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.util.Map;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The stand-in for OSS: one signing key and one loopback key server for every test application
 * in this JVM (Spring caches the applications between test classes, so the server outlives each
 * class and stops with the JVM).
 */
final class TestKeys {

    static final OssCallbackSigner OSS = OssCallbackSigner.generate();
    static final LoopbackKeyServer KEYS = start();

    private TestKeys() {
    }

    private static LoopbackKeyServer start() {
        try {
            LoopbackKeyServer server = LoopbackKeyServer.start().serve("/oss/key.pem", OSS.publicKeyPem());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "loopback-key-server-stop"));
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Allows the stand-in's keys. */
    static void register(DynamicPropertyRegistry registry) {
        registry.add("oss.callback.key-url-prefixes", () -> KEYS.baseUrl() + "/oss/");
    }

    /** The headers OSS would send with a callback of this body to this path. */
    static Map<String, String> signed(String path, String contentType, byte[] body) {
        return OSS.headers(KEYS.url("/oss/key.pem"), path, null, contentType, body);
    }
}
