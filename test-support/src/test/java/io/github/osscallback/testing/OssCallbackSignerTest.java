package io.github.osscallback.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The signer against core's real verifier: every way of making a signer (fresh, key pair, PKCS#8
 * and PKCS#1 PEM) yields callbacks the verifier accepts, and {@link OssCallbackSigner#headers}
 * carries exactly what OSS sends.
 */
class OssCallbackSignerTest {

    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static final byte[] BODY = "bucket=b&object=a%2Fb.png&size=12".getBytes(StandardCharsets.UTF_8);

    private static CallbackVerifier verifierFor(OssCallbackSigner signer) {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem())
                .remoteKeyFetching(false)
                .build();
    }

    private static OssCallback verifySigned(OssCallbackSigner signer) throws CallbackRejectedException {
        return verifierFor(signer).verify(signer.request(KEY_URL, "/oss/cb%20x", "id=7&t=a%2Bb",
                "application/x-www-form-urlencoded", BODY).build());
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = OssCallbackSignerTest.class.getResourceAsStream("/keys/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aFreshSignerIsAcceptedByTheVerifier() throws Exception {
        assertEquals("b", verifySigned(OssCallbackSigner.generate()).field("bucket").orElseThrow());
    }

    @Test
    void aSignerFromAKeyPairSignsWithThatPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        var pair = generator.generateKeyPair();
        OssCallbackSigner signer = OssCallbackSigner.of(pair);
        assertEquals(pair.getPublic(), signer.publicKey());
        assertEquals("a/b.png", verifySigned(signer).field("object").orElseThrow());
    }

    @Test
    void refusesAKeyPairThatIsNotRsa() throws Exception {
        var ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        assertThrows(IllegalArgumentException.class, () -> OssCallbackSigner.of(ec));
    }

    @Test
    void aSignerFromPkcs8PemIsAcceptedByTheVerifier() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.fromPem(resource("pkcs8.pem"));
        assertEquals("12", verifySigned(signer).field("size").orElseThrow());
    }

    @Test
    void pkcs1AndPkcs8FormsOfOneKeyMakeTheSameSigner() throws Exception {
        OssCallbackSigner pkcs8 = OssCallbackSigner.fromPem(resource("pkcs8.pem"));
        OssCallbackSigner pkcs1 = OssCallbackSigner.fromPem(resource("pkcs1.pem"));
        assertEquals(pkcs8.publicKeyPem(), pkcs1.publicKeyPem());
        // MD5withRSA (PKCS#1 v1.5) is deterministic: one key, one signature.
        assertEquals(pkcs8.sign("/cb", null, BODY), pkcs1.sign("/cb", null, BODY));
        verifySigned(pkcs1);
    }

    @Test
    void aSignerRoundTripsThroughItsOwnPrivateKeyPem() throws Exception {
        OssCallbackSigner original = OssCallbackSigner.generate();
        OssCallbackSigner reloaded = OssCallbackSigner.fromPem(original.privateKeyPem());
        assertEquals(original.publicKeyPem(), reloaded.publicKeyPem());
        assertEquals(original.sign("/cb", "a=1", BODY), reloaded.sign("/cb", "a=1", BODY));
    }

    @Test
    void refusesPemThatIsNoPrivateKey() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        String publicPem = signer.publicKeyPem();
        String truncated = signer.privateKeyPem().replace("-----END PRIVATE KEY-----", "");
        String notBase64 = "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n";
        String encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n";
        String garbageDer = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        for (String pem : List.of(publicPem, truncated, notBase64, encrypted, garbageDer)) {
            assertThrows(IllegalArgumentException.class, () -> OssCallbackSigner.fromPem(pem), pem);
        }
    }

    @Test
    void headersAreWhatOssSendsInOrder() {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        Map<String, String> headers = signer.headers(KEY_URL, "/cb", "a=1", "application/json", BODY);
        assertEquals(List.of("authorization", "x-oss-pub-key-url", "content-type"), List.copyOf(headers.keySet()));
        assertEquals(signer.sign("/cb", "a=1", BODY), headers.get("authorization"));
        assertEquals(KEY_URL, new String(java.util.Base64.getDecoder().decode(headers.get("x-oss-pub-key-url")),
                StandardCharsets.UTF_8));
        assertEquals("application/json", headers.get("content-type"));
        assertEquals(List.of("authorization", "x-oss-pub-key-url"),
                List.copyOf(signer.headers(KEY_URL, "/cb", null, null, BODY).keySet()));
        assertThrows(UnsupportedOperationException.class, () -> headers.put("x", "y"));
    }

    @Test
    void headersSignARequestTheVerifierAccepts() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        CallbackRequest.Builder request = CallbackRequest.builder().path("/oss/cb").query("x=1").body(BODY);
        signer.headers(KEY_URL, "/oss/cb", "x=1", "application/x-www-form-urlencoded", BODY).forEach(request::header);
        assertEquals(KEY_URL, verifierFor(signer).verify(request.build()).keyUrl());
    }

    @Test
    void signsThePathDecodedWithPlusKeptAndTheQueryRaw() {
        byte[] body = {1, 2, 3};
        assertArrayEquals("/100%/%zz\n".getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOf(OssCallbackSigner.stringToSign("/100%25/%zz", null, body), 10),
                "an escape that is not two hex digits stays as it is");
        assertArrayEquals("/a/b+c?q=%41\n".getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOf(OssCallbackSigner.stringToSign("/a%2Fb+c", "q=%41", body), 13));
        assertTrue(OssCallbackSigner.stringToSign("/cb", "", body)[3] == '\n', "an empty query adds no '?'");
    }
}
