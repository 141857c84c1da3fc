package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import io.github.osscallback.testing.OssCallbackSigner;
import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The properties fuzzing checks: replayed on committed inputs by the normal build, explored by the
 * {@code fuzz-long} profile (see {@link CallbackFuzzTest}). Only a {@link CallbackRejectedException}
 * may escape verification; the key URL policy never allows a URL off its host, port or path.
 */
final class FuzzTargets {

    static final String KEY_URL = "https://keys.test/oss/key.pem";
    static final OssCallbackSigner SIGNER = OssCallbackSigner.generate();
    static final KeyUrlPolicy POLICY = KeyUrlPolicy.builder()
            .allowPrefix("https://keys.test/oss/")
            .allowPrefix("http://127.0.0.1:8099/k/")
            .build();
    static final CallbackVerifier VERIFIER = CallbackVerifier.builder()
            .keyUrlPolicy(POLICY)
            .pinKey(KEY_URL, SIGNER.publicKeyPem())
            .remoteKeyFetching(false) // no network, ever: every allowed URL but the pinned one fails closed
            .maxBodyBytes(4096)
            .build();
    private static final String[] CONTENT_TYPES = {null, "", "application/x-www-form-urlencoded",
        "application/json", "application/json; charset=utf-8", "application/vnd.x+json", "text/plain",
        "application/x-www-form-urlencoded; charset=latin1", "APPLICATION/JSON"};
    /** A verified body is never refused for its shape by default, only for its size or a content type OSS never sends. */
    private static final Set<CallbackRejectedException.Reason> BODY_REASONS = EnumSet.of(
            CallbackRejectedException.Reason.UNSUPPORTED_CONTENT_TYPE, CallbackRejectedException.Reason.BODY_TOO_LARGE);

    private FuzzTargets() {
    }

    /** Arbitrary headers, path, query and body: only rejections, never a crash, never an acceptance. */
    static void headers(FuzzedDataProvider data) {
        CallbackRequest.Builder request = CallbackRequest.builder()
                .method(data.pickValue(new String[] {"POST", "GET", "PUT", "post"}))
                .path("/" + data.consumeString(64))
                .query(data.consumeBoolean() ? data.consumeString(32) : null);
        int headerCount = data.consumeInt(0, 4);
        for (int i = 0; i < headerCount; i++) {
            String name = data.pickValue(new String[] {"authorization", "Authorization", "x-oss-pub-key-url",
                "X-OSS-PUB-KEY-URL", "content-type"});
            request.header(name, data.consumeBoolean()
                    ? OssCallbackSigner.encodeKeyUrl(data.consumeString(128)) : data.consumeString(256));
        }
        request.body(data.consumeRemainingAsBytes());
        try {
            VERIFIER.verify(request.build());
            throw new AssertionError("a request with fuzzed headers verified");
        } catch (CallbackRejectedException e) {
            assertRejection(e);
        }
    }

    /** Any URL: allowed ones stay on an allowed host, port and path prefix, without tricks. */
    static void keyUrl(String url) {
        boolean allowed = POLICY.allows(url);
        if (!allowed) {
            return;
        }
        URI fetch;
        try {
            fetch = POLICY.fetchUriFor(url);
        } catch (CallbackRejectedException e) {
            throw new AssertionError("allows() and fetchUriFor() disagree on " + url, e);
        }
        String authority = fetch.getScheme() + "://" + fetch.getRawAuthority();
        assertTrue(Set.of("https://keys.test", "http://127.0.0.1:8099").contains(authority), url);
        assertTrue(fetch.getRawPath().startsWith(authority.startsWith("https") ? "/oss/" : "/k/"), url);
        assertNotNull(fetch.getRawPath());
        assertFalse(hasDotSegment(url) || hasDotSegment(fetch.getRawPath()), url);
        assertFalse(url.contains("%") || url.contains("@") || url.contains("\\"), url);
        assertEquals(null, fetch.getRawQuery());
        assertEquals(null, fetch.getRawUserInfo());
    }

    /**
     * A path segment that is exactly {@code .} or {@code ..}, as the policy defines dot segments;
     * {@code s..} or {@code ..x} are ordinary names. Splits at {@code ?} and {@code #} too, so a
     * dot segment cannot hide in front of a query or fragment.
     */
    static boolean hasDotSegment(String url) {
        for (String segment : url.split("[/?#]", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** Arbitrary signed bodies: parsed into fields, or delivered with a one-line body problem; nothing else. */
    static void body(FuzzedDataProvider data) {
        String contentType = data.pickValue(CONTENT_TYPES);
        byte[] body = data.consumeRemainingAsBytes();
        CallbackRequest request = SIGNER.request(KEY_URL, "/cb", null, contentType, body).build();
        try {
            OssCallback callback = VERIFIER.verify(request);
            for (Map.Entry<String, String> field : callback.fields().entrySet()) {
                assertNotNull(field.getKey());
                assertNotNull(field.getValue());
            }
            callback.bodyProblem().ifPresent(problem -> assertFalse(problem.contains("\n") || problem.contains("\r"), problem));
            callback.size();
            callback.imageHeight();
            callback.customVariables();
            try {
                callback.bind(Map.class);
            } catch (CallbackRejectedException e) {
                assertEquals(CallbackRejectedException.Reason.MALFORMED_BODY, e.reason());
            }
        } catch (CallbackRejectedException e) {
            assertTrue(BODY_REASONS.contains(e.reason()), e.reason() + ": " + e.getMessage());
        }
    }

    private static void assertRejection(CallbackRejectedException e) {
        int status = e.reason().httpStatus();
        assertTrue(status >= 400 && status < 600, "status " + status);
        assertNotNull(e.getMessage());
        assertFalse(e.getMessage().chars().anyMatch(c -> c == '\n' || c == '\r'),
                "a rejection message would split a log line: " + e.getMessage());
    }
}
