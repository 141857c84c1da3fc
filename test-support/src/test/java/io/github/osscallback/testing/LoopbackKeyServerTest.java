package io.github.osscallback.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The key server on a port chosen by the test, serving a key the verifier then fetches. */
class LoopbackKeyServerTest {

    private static int freePort() throws Exception {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    @Test
    void startsOnTheGivenPortAndServesKeysTheVerifierFetches() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        int port = freePort();
        try (LoopbackKeyServer keys = LoopbackKeyServer.start(port)) {
            keys.serve("/oss/key.pem", signer.publicKeyPem());
            assertEquals(port, keys.port());
            assertEquals("http://127.0.0.1:" + port + "/oss/key.pem", keys.url("/oss/key.pem"));
            CallbackVerifier verifier = CallbackVerifier.builder()
                    .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keys.baseUrl() + "/oss/").build())
                    .build();
            byte[] body = "bucket=b".getBytes(StandardCharsets.UTF_8);
            verifier.verify(signer.request(keys.url("/oss/key.pem"), "/cb", null,
                    "application/x-www-form-urlencoded", body).build());
            assertEquals(List.of("/oss/key.pem"), keys.requests());
        }
    }

    @Test
    void refusesAPortInUseAndOneOutOfRange() throws Exception {
        try (LoopbackKeyServer first = LoopbackKeyServer.start()) {
            assertThrows(BindException.class, () -> LoopbackKeyServer.start(first.port()).close());
        }
        assertThrows(IllegalArgumentException.class, () -> LoopbackKeyServer.start(-1));
        assertThrows(IllegalArgumentException.class, () -> LoopbackKeyServer.start(65536));
    }
}
