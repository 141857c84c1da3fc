package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The key URL policy is the whole of the origin check (docs/protocol.md in the repository, threat model). Each hostile
 * URL below is refused before any fetch: the loopback key server serves a valid key at every path
 * it is asked for, and records requests, so a fetch would have both succeeded and been seen.
 */
class KeyUrlPolicyTest {

    private static LoopbackKeyServer keyServer;
    private static OssCallbackSigner signer;
    private static CallbackVerifier verifier;
    private static String base;

    @BeforeAll
    static void startKeyServer() throws Exception {
        keyServer = LoopbackKeyServer.start();
        signer = OssCallbackSigner.generate();
        base = keyServer.baseUrl();
        for (String path : List.of("/oss/key.pem", "/key.pem", "/other/key.pem", "/oss2/key.pem", "/osskey.pem",
                "/oss/../key.pem", "/OSS/key.pem", "/", "/oss/")) {
            keyServer.serve(path, signer.publicKeyPem());
        }
        verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(base + "/oss/").build())
                .build();
    }

    @AfterAll
    static void stopKeyServer() {
        keyServer.close();
    }

    static Stream<String> hostileLoopbackUrls() {
        int port = keyServer.port();
        String other = String.valueOf(port == 65535 ? port - 1 : port + 1);
        return Stream.of(
                base + "/key.pem",                                      // outside the prefix
                base + "/other/key.pem",
                base + "/oss2/key.pem",                                  // prefix without segment boundary
                base + "/osskey.pem",
                base + "/OSS/key.pem",                                   // path case differs
                base + "/oss/",                                          // the prefix itself, no file
                base + "/oss/../key.pem",                                // traversal
                base + "/oss/./key.pem",
                base + "/oss/%2e%2e/key.pem",                            // encoded traversal
                base + "/oss/%2E%2E%2Fkey.pem",
                base + "/oss//key.pem",                                  // empty segment
                base + "/oss\\..\\key.pem",                              // backslashes
                base + "/oss/key.pem?x=1",                               // query
                base + "/oss/key.pem#frag",                              // fragment
                base + "/oss/key.pem;jsessionid=1",                      // path parameter
                "http://user@127.0.0.1:" + port + "/oss/key.pem",        // user info
                "http://127.0.0.1:" + port + "@127.0.0.1:" + port + "/oss/key.pem",
                "http://localhost:" + port + "/oss/key.pem",             // another name for the host
                "http://127.0.0.2:" + port + "/oss/key.pem",             // another loopback address
                "http://[::1]:" + port + "/oss/key.pem",
                "http://2130706433:" + port + "/oss/key.pem",            // decimal IP
                "http://0x7f000001:" + port + "/oss/key.pem",            // hex IP
                "http://127.1:" + port + "/oss/key.pem",                 // short IP
                "http://127.0.0.1:" + other + "/oss/key.pem",            // other port
                "http://127.0.0.1/oss/key.pem",                          // default port
                "https://127.0.0.1:" + port + "/oss/key.pem",            // other scheme
                "ftp://127.0.0.1:" + port + "/oss/key.pem",
                "file:///etc/passwd",
                "http:/127.0.0.1:" + port + "/oss/key.pem",              // malformed authority
                "//127.0.0.1:" + port + "/oss/key.pem",                  // scheme-relative
                "/oss/key.pem",                                          // relative
                "http://127.0.0.1:" + port + " /oss/key.pem",            // space
                "http://127.0.0.1:" + port + "/oss/key.pem\r\nX: y",     // header injection
                "http://127.0.0.1:" + port + "/oss/k\u00e9y.pem",        // non-ASCII
                "http://127.0.0.1:" + port + "%2f@evil.example/oss/key.pem",
                base + "/oss/../oss/key.pem");                           // traversal that lands inside
    }

    @ParameterizedTest
    @MethodSource("hostileLoopbackUrls")
    void rejectsHostileKeyUrlWithoutFetching(String keyUrl) {
        byte[] body = "bucket=b".getBytes(StandardCharsets.UTF_8);
        CallbackRequest request = signer.request(keyUrl, "/cb", null, null, body).build();
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> verifier.verify(request));
        assertEquals(CallbackRejectedException.Reason.UNTRUSTED_KEY_URL, e.reason(), e.getMessage());
        assertEquals(List.of(), keyServer.requests(), "no URL may be fetched for a rejected key URL");
    }

    @Test
    void allowsKeyUnderPrefixAndFetchesIt() throws Exception {
        byte[] body = "bucket=b".getBytes(StandardCharsets.UTF_8);
        CallbackVerifier fresh = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(base + "/oss/").build())
                .build();
        try (LoopbackKeyServer own = LoopbackKeyServer.start()) {
            own.serve("/oss/key.pem", signer.publicKeyPem());
            CallbackVerifier ownVerifier = CallbackVerifier.builder()
                    .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(own.baseUrl() + "/oss/").build())
                    .build();
            OssCallback callback = ownVerifier.verify(signer.request(own.url("/oss/key.pem"), "/cb", null, null, body).build());
            assertEquals("b", callback.bucket().orElseThrow());
            assertEquals(List.of("/oss/key.pem"), own.requests());
        }
        assertTrue(fresh.keyUrlPolicy().allows(base + "/oss/key.pem"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://gosspublic.alicdn.com/callback_pub_key_v1.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v1.pem",
        "HTTPS://GOSSPUBLIC.ALICDN.COM/callback_pub_key_v1.pem",
        "https://gosspublic.alicdn.com:443/callback_pub_key_v1.pem",
        "http://gosspublic.alicdn.com:80/callback_pub_key_v1.pem",
        "http://gosspublic.alicdn.com/callback_pub_key_v2.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v10.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v999.pem"})
    void defaultPolicyAllowsOssKeyFilesOfAnyVersion(String keyUrl) {
        assertTrue(KeyUrlPolicy.ossDefault().allows(keyUrl), keyUrl);
    }

    /** Each fresh path on the key host would cost a fetch: only OSS's key file names pass. */
    @ParameterizedTest
    @ValueSource(strings = {
        "https://gosspublic.alicdn.com/keys/v2.pem",
        "https://gosspublic.alicdn.com/callback_pub_key.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v0.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v01.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v1000.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v-1.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v+1.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v1a.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_vx.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_V1.pem",
        "https://gosspublic.alicdn.com/CALLBACK_PUB_KEY_V1.PEM",
        "https://gosspublic.alicdn.com/callback_pub_key_v1.pem.bak",
        "https://gosspublic.alicdn.com/callback_pub_key_v1.pemx",
        "https://gosspublic.alicdn.com/callback_pub_key_v1.pem/",
        "https://gosspublic.alicdn.com/callback_pub_key_v1.pem/x",
        "https://gosspublic.alicdn.com/callback_pub_key_v1.PEM",
        "https://gosspublic.alicdn.com/xcallback_pub_key_v1.pem",
        "https://gosspublic.alicdn.com/x/callback_pub_key_v1.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v1/.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v\u0661.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v\uff12.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v%32.pem",
        "https://gosspublic.alicdn.com/callback_pub_key_v2.pem?v=1",
        "https://gosspublic.alicdn.com/fresh-path-0001.pem"})
    void defaultPolicyRejectsOtherPathsOnTheKeyHost(String keyUrl) {
        assertFalse(KeyUrlPolicy.ossDefault().allows(keyUrl), keyUrl);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://gosspublic.alicdn.com.evil.com/callback_pub_key_v1.pem",
        "http://evilgosspublic.alicdn.com/callback_pub_key_v1.pem",
        "http://evil.gosspublic.alicdn.com/callback_pub_key_v1.pem",
        "http://gosspublic.alicdn.com.s3.amazonaws.com/callback_pub_key_v1.pem",
        "http://my-bucket.oss-cn-hangzhou.aliyuncs.com/callback_pub_key_v1.pem",
        "http://gosspublic.alicdn.com@evil.com/callback_pub_key_v1.pem",
        "http://evil.com/gosspublic.alicdn.com/callback_pub_key_v1.pem",
        "http://evil.com#@gosspublic.alicdn.com/callback_pub_key_v1.pem",
        "http://evil.com\\@gosspublic.alicdn.com/callback_pub_key_v1.pem",
        "http://evil.com?@gosspublic.alicdn.com/callback_pub_key_v1.pem",
        "http://gosspublic.alicdn.com./callback_pub_key_v1.pem",
        "http://gosspublic.alicdn.com%2eevil.com/callback_pub_key_v1.pem",
        "http://gosspublic.alicdn.com:8080/callback_pub_key_v1.pem",
        "http://gosspublic.alicdn.com:443/callback_pub_key_v1.pem",
        "https://gosspublic.alicdn.com:8443/callback_pub_key_v1.pem",
        "gopher://gosspublic.alicdn.com/callback_pub_key_v1.pem",
        "https://gosspublic.alicdn.com",
        "https://gosspublic.alicdn.com/",
        "https://gosspublic.alicdn.com/../etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "http://gosspublic\u3002alicdn\u3002com/callback_pub_key_v1.pem"})
    void defaultPolicyRejectsLookalikes(String keyUrl) {
        assertFalse(KeyUrlPolicy.ossDefault().allows(keyUrl), keyUrl);
    }

    @Test
    void httpOssUrlIsFetchedOverHttps() throws Exception {
        assertEquals("https://gosspublic.alicdn.com/callback_pub_key_v1.pem",
                KeyUrlPolicy.ossDefault().fetchUriFor("http://gosspublic.alicdn.com/callback_pub_key_v1.pem").toString());
    }

    @Test
    void exactFilePrefixAllowsOnlyThatFile() {
        KeyUrlPolicy policy = KeyUrlPolicy.builder().allowPrefix("https://keys.example/oss.pem").build();
        assertTrue(policy.allows("https://keys.example/oss.pem"));
        assertFalse(policy.allows("https://keys.example/oss.pem2"));
        assertFalse(policy.allows("https://keys.example/oss.pem/x"));
    }

    @Test
    void keyFilePatternAllowsOnlyVersionsOfThatFile() {
        KeyUrlPolicy policy = KeyUrlPolicy.builder().allowKeyFileVersions("https://keys.example/k/sign_v{version}.pem").build();
        assertTrue(policy.allows("https://keys.example/k/sign_v1.pem"));
        assertTrue(policy.allows("https://keys.example/k/sign_v42.pem"));
        assertFalse(policy.allows("http://keys.example/k/sign_v1.pem"), "taken in its own scheme only");
        assertFalse(policy.allows("https://keys.example/k/sign_v.pem"));
        assertFalse(policy.allows("https://keys.example/k/sign_v007.pem"));
        assertFalse(policy.allows("https://keys.example/k/sign_v1.pem.pem"));
        assertFalse(policy.allows("https://keys.example/sign_v1.pem"));
        assertFalse(policy.allows("https://keys.example:8443/k/sign_v1.pem"));
        assertEquals(List.of("https://keys.example/k/sign_v{version}.pem"), policy.allowedUrls());
    }

    @Test
    void keyFilePatternAcceptingHttpFetchesOverHttps() throws Exception {
        KeyUrlPolicy policy = KeyUrlPolicy.builder().allowOssKeyFiles().allowPrefix("http://127.0.0.1:8080/keys/").build();
        assertEquals("https://gosspublic.alicdn.com/callback_pub_key_v3.pem",
                policy.fetchUriFor("http://gosspublic.alicdn.com/callback_pub_key_v3.pem").toString());
        assertTrue(policy.allows("http://127.0.0.1:8080/keys/any.pem"));
        assertEquals(List.of(KeyUrlPolicy.OSS_KEY_FILES, "http://127.0.0.1:8080/keys/"), policy.allowedUrls());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://keys.example/sign.pem",                        // no version
        "https://keys.example/sign_v{version}_{version}.pem",   // two versions
        "https://keys.example/v{version}/sign.pem",             // version not in the last segment
        "https://k{version}.example/sign.pem",                  // version in the host
        "https://keys.example/sign_v{version}.pem?x=1",
        "https://u@keys.example/sign_v{version}.pem",
        "ftp://keys.example/sign_v{version}.pem"})
    void rejectsKeyFilePatternThatIsNotAVersionedFile(String pattern) {
        assertThrows(IllegalArgumentException.class, () -> KeyUrlPolicy.builder().allowKeyFileVersions(pattern));
    }

    @Test
    void acceptingHttpNeedsAnHttpsKeyFilePattern() {
        assertThrows(IllegalArgumentException.class,
                () -> KeyUrlPolicy.builder().allowKeyFileVersionsAcceptingHttp("http://keys.example/sign_v{version}.pem"));
    }

    @Test
    void explicitHttpPrefixDoesNotAcceptHttps() {
        KeyUrlPolicy policy = KeyUrlPolicy.builder().allowPrefix("http://keys.example/").build();
        assertFalse(policy.allows("https://keys.example/k.pem"));
    }

    @Test
    void rejectsPrefixThatIsNotAPlainUrl() {
        assertThrows(IllegalArgumentException.class, () -> KeyUrlPolicy.builder().allowPrefix("https://u@keys.example/"));
        assertThrows(IllegalArgumentException.class, () -> KeyUrlPolicy.builder().allowPrefixAcceptingHttp("http://keys.example/"));
        assertThrows(IllegalStateException.class, () -> KeyUrlPolicy.builder().build());
    }

    @Test
    void countsAtLeastTwentyFiveHostileUrls() {
        assertTrue(hostileLoopbackUrls().count() >= 25);
    }
}
