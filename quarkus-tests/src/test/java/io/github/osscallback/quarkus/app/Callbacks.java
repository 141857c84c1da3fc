package io.github.osscallback.quarkus.app;

import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;

/** Signed callbacks to the application under test, over a raw socket so the target goes as written. */
final class Callbacks {

    static final String FORM = "application/x-www-form-urlencoded";

    final OssCallbackSigner signer;
    final String keyUrl;
    final int port;

    private Callbacks(OssCallbackSigner signer, String keyUrl, int port) {
        this.signer = signer;
        this.keyUrl = keyUrl;
        this.port = port;
    }

    /** For the running @QuarkusTest application. */
    static Callbacks ofRunningApplication(int port) {
        return new Callbacks(OssCallbackSigner.fromPem(ConfigProvider.getConfig().getValue(KeyHost.SIGNER, String.class)),
                ConfigProvider.getConfig().getValue(KeyHost.KEY_URL, String.class), port);
    }

    static Callbacks of(OssCallbackSigner signer, String keyUrl, int port) {
        return new Callbacks(signer, keyUrl, port);
    }

    /** A genuine callback: signed for the path, query and body it is sent with. */
    RawHttp.Response genuine(String path, String query, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return post(path, query, signer.headers(keyUrl, path, query, contentType, bytes), bytes);
    }

    /** A callback signed for one body and sent with another. */
    RawHttp.Response forged(String path, String signedBody, String sentBody) throws IOException {
        Map<String, String> headers = signer.headers(keyUrl, path, null, FORM, signedBody.getBytes(StandardCharsets.UTF_8));
        return post(path, null, headers, sentBody.getBytes(StandardCharsets.UTF_8));
    }

    RawHttp.Response post(String path, String query, Map<String, String> headers, byte[] body) throws IOException {
        return RawHttp.post(port, query == null ? path : path + "?" + query, new LinkedHashMap<>(headers), body);
    }
}
