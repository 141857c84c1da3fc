package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.AMBIGUOUS_PARAMETER;
import static io.github.osscallback.CallbackRejectedException.Reason.BODY_UNREADABLE;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_PATH;
import static io.github.osscallback.CallbackRejectedException.Reason.METHOD_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.UNEXPECTED_BODY_TYPE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.spi.VerifierSettings;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an uploader or a replaying attacker controls (method spelling, path escapes, query,
 * content type, a truncated body) must never change what a verified callback means: each case
 * here is a captured genuine callback re-sent in another shape.
 */
class RequestMeaningTest {

    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String JSON = "application/json";

    private final OssCallbackSigner signer = OssCallbackSigner.generate();

    private CallbackVerifier.Builder builder() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem())
                .remoteKeyFetching(false);
    }

    private final CallbackVerifier verifier = builder().build();

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A request signed for {@code signedPath?signedQuery} but sent as {@code sentPath?sentQuery}. */
    private CallbackRequest.Builder resent(String signedPath, String signedQuery, String sentPath, String sentQuery,
                                           String contentType, String body) {
        CallbackRequest.Builder request = CallbackRequest.builder().path(sentPath).query(sentQuery).body(utf8(body));
        signer.headers(KEY_URL, signedPath, signedQuery, contentType, utf8(body)).forEach(request::header);
        return request;
    }

    private CallbackRejectedException.Reason rejection(CallbackVerifier v, CallbackRequest.Builder request) {
        return assertThrows(CallbackRejectedException.class, () -> v.verify(request.build())).reason();
    }

    // --- the path cannot absorb the query or the body's framing ---

    @Test
    void queryMovedIntoThePathAsAnEscapeIsRefused() throws Exception {
        String body = "bucket=b&object=o";
        // The genuine callback verifies as sent ...
        verifier.verify(resent("/cb", "admin=1", "/cb", "admin=1", FORM, body).build());
        // ... but the same bytes sent with the '?' escaped would hide the query from the application.
        assertEquals(MALFORMED_PATH, rejection(verifier, resent("/cb", "admin=1", "/cb%3Fadmin=1", null, FORM, body)));
        assertEquals(MALFORMED_PATH, rejection(verifier, resent("/cb", "admin=1", "/cb%3fadmin=1", null, FORM, body)));
    }

    @Test
    void bodyLineMovedIntoThePathIsRefused() {
        // Signed: "/cb\nbucket=b&object=o"; re-framed: path "/cb\nbucket=b", body "object=o"? The
        // newline cannot move, so the attacker escapes it in the path and shortens the body.
        String signedBody = "bucket=b\nobject=o";
        CallbackRequest.Builder moved = CallbackRequest.builder().path("/cb%0Abucket=b").body(utf8("object=o"))
                .header("authorization", signer.sign("/cb", null, utf8(signedBody)))
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL))
                .header("content-type", FORM);
        assertEquals(MALFORMED_PATH, rejection(verifier, moved));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%23", "%0A", "%0d", "%00", "%1F", "%7F", "%09", "%C2%85", "%c2%80", "%C2%9F", "%C2%8d"})
    void decodedPathWithFramingOrControlCharacterIsRefused(String escape) {
        String path = "/cb/a" + escape + "b";
        assertEquals(MALFORMED_PATH, rejection(verifier, resent(path, null, path, null, FORM, "bucket=b")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/cb/a%2Fb", "/cb/%E4%B8%AD", "/cb/a%20b", "/cb/50%25", "/cb/%zz", "/cb/a%", "/cb/a+b",
        "/cb/%C2%A0", "/cb/%C3%85", "/cb/%E2%80%85", "/cb/%C2"})
    void otherPathEscapesStillVerify(String path) throws Exception {
        verifier.verify(resent(path, "q=1", path, "q=1", FORM, "bucket=b").build());
    }

    @Test
    void signedPathPrefixIsCheckedToo() {
        CallbackVerifier behindProxy = builder().signedPathPrefix("/edge").build();
        assertEquals(MALFORMED_PATH, rejection(behindProxy,
                resent("/edge/cb", "admin=1", "/cb%3Fadmin=1", null, FORM, "bucket=b")));
    }

    // --- the method is exactly POST ---

    @ParameterizedTest
    @ValueSource(strings = {"post", "Post", "POST ", "GET"})
    void onlyExactlyPostIsAccepted(String method) {
        assertEquals(METHOD_NOT_ALLOWED, rejection(verifier,
                resent("/cb", null, "/cb", null, FORM, "bucket=b").method(method)));
    }

    // --- a body cut short is unreadable, not a signature mismatch ---

    @Test
    void bodyShorterThanItsContentLengthIsUnreadable() {
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                () -> verifier.verify(CallbackRequest.builder().path("/cb").build(), new ByteArrayInputStream(utf8("bucket=b")), 20));
        assertEquals(BODY_UNREADABLE, e.reason());
        assertTrue(e.getMessage().contains("8 of the 20 bytes"), e.getMessage());
        assertFalse(e.getMessage().contains("another filter"), e.getMessage());
    }

    @Test
    void bodyAlreadyConsumedByAnotherFilterIsNamed() {
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                () -> verifier.verify(CallbackRequest.builder().path("/cb").build(), new ByteArrayInputStream(new byte[0]), 17));
        assertEquals(BODY_UNREADABLE, e.reason());
        assertTrue(e.getMessage().contains("another filter"), e.getMessage());
    }

    @Test
    void emptyBodyWithZeroContentLengthIsFine() throws Exception {
        assertEquals(0, new BodyLimit(CallbackVerifier.DEFAULT_MAX_BODY_BYTES)
                .read(new ByteArrayInputStream(new byte[0]), 0).length);
    }

    // --- a name comes from the signed body or from the query, never both ---

    @ParameterizedTest
    @ValueSource(strings = {"object=users/1/admin.jpg", "q=1&object=x", "object", "%6Fbject=x", "%6fbject=x",
            "object=&bucket=other"})
    void queryNamingAFormFieldIsRefused(String query) {
        String body = "bucket=b&object=users%2F42%2Fcat.jpg";
        assertEquals(AMBIGUOUS_PARAMETER, rejection(verifier, resent("/cb", query, "/cb", query, FORM, body)));
    }

    @Test
    void queryNamingAJsonFieldIsRefused() {
        String body = "{\"bucket\":\"b\",\"imageInfo\":{\"height\":\"10\"}}";
        assertEquals(AMBIGUOUS_PARAMETER, rejection(verifier,
                resent("/cb", "imageInfo.height=99", "/cb", "imageInfo.height=99", JSON, body)));
    }

    @Test
    void queryNameDecodedWithPlusAsSpaceIsCompared() {
        String body = "x%3Amy+var=1";
        assertEquals(AMBIGUOUS_PARAMETER, rejection(verifier, resent("/cb", "x:my+var=2", "/cb", "x:my+var=2", FORM, body)));
    }

    @Test
    void queryWithOtherNamesIsKept() throws Exception {
        OssCallback callback = verifier.verify(
                resent("/cb", "tenant=7&source=web", "/cb", "tenant=7&source=web", FORM, "bucket=b&object=o").build());
        assertEquals("o", callback.object().orElseThrow());
        assertEquals("tenant=7&source=web", callback.query().orElseThrow());
    }

    // --- the content type cannot relabel the body when the expected type is fixed ---

    @Test
    void relabelledBodyIsRefusedWhenTheBodyTypeIsFixed() throws Exception {
        CallbackVerifier jsonOnly = builder().expectedBodyType(BodyType.JSON).build();
        String body = "{\"bucket\":\"good\",\"object\":\"o\"}";
        assertEquals("good", jsonOnly.verify(resent("/cb", null, "/cb", null, JSON, body).build()).bucket().orElseThrow());
        assertEquals(UNEXPECTED_BODY_TYPE, rejection(jsonOnly, resent("/cb", null, "/cb", null, FORM, body)));
        assertEquals(UNEXPECTED_BODY_TYPE, rejection(jsonOnly, resent("/cb", null, "/cb", null, null, body)));

        CallbackVerifier formOnly = VerifierSettings.configure(builder(), Map.of("expectedBodyType", "form")).build();
        assertEquals("good", formOnly.verify(resent("/cb", null, "/cb", null, FORM, "bucket=good").build())
                .bucket().orElseThrow());
        assertEquals(UNEXPECTED_BODY_TYPE, rejection(formOnly,
                resent("/cb", null, "/cb", null, "application/json; charset=utf-8", "bucket=good")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded; charset=ISO-8859-1",
        "application/x-www-form-urlencoded;charset=ISO-2022-JP", "application/json; charset=\"utf-16\"",
        "application/json; boundary=x; CHARSET=windows-1252"})
    void charsetOtherThanUtf8IsRefused(String contentType) {
        // The charset is not signed: a runtime decoding the body by it would show other values.
        assertEquals(CallbackRejectedException.Reason.UNSUPPORTED_CONTENT_TYPE, rejection(verifier,
                resent("/cb", null, "/cb", null, contentType, "bucket=b&object=users%2F42%2F%C3%A9t%C3%A9.jpg")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded; charset=UTF-8", "application/x-www-form-urlencoded;charset=utf8",
        "application/x-www-form-urlencoded; charset=\"utf-8\"", "application/x-www-form-urlencoded; foo=bar"})
    void utf8OrNoCharsetIsAccepted(String contentType) throws Exception {
        assertEquals("users/42/\u00e9t\u00e9.jpg", verifier.verify(resent("/cb", null, "/cb", null, contentType,
                "bucket=b&object=users%2F42%2F%C3%A9t%C3%A9.jpg").build()).object().orElseThrow());
    }

    @Test
    void expectedBodyTypeSettingRefusesOtherValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VerifierSettings.configure(builder(), Map.of("expectedBodyType", "xml")));
        assertTrue(e.getMessage().contains("form or json"), e.getMessage());
    }

    @Test
    void forgedRequestIsStillASignatureMismatchWhateverItsType() {
        CallbackVerifier jsonOnly = builder().expectedBodyType(BodyType.JSON).build();
        CallbackRequest.Builder forged = resent("/cb", null, "/cb", null, JSON, "{\"bucket\":\"b\"}")
                .header("authorization", "AAAA");
        assertThrows(CallbackRejectedException.class, () -> jsonOnly.verify(forged.build()));
        CallbackRequest.Builder tampered = CallbackRequest.builder().path("/cb").body(utf8("bucket=evil"))
                .header("authorization", signer.sign("/cb", null, utf8("bucket=good")))
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL));
        assertEquals(SIGNATURE_MISMATCH, rejection(jsonOnly, tampered));
    }

    // --- logs never carry query values ---

    @Test
    void rejectionMessagesNameQueryParametersButNotTheirValues() {
        CallbackRequest.Builder tampered = CallbackRequest.builder().path("/cb").query("token=s3cr3tvalue&x")
                .body(utf8("bucket=evil"))
                .header("authorization", signer.sign("/cb", "token=s3cr3tvalue&x", utf8("bucket=good")))
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL));
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> verifier.verify(tampered.build()));
        assertEquals(SIGNATURE_MISMATCH, e.reason());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        assertTrue(e.getMessage().contains("token=..."), e.getMessage());
        assertFalse(tampered.build().toString().contains("s3cr3t"));
        // A part without '=' may itself be the value.
        String bare = CallbackRequest.builder().path("/cb").query("eyJzZWNyZXQiOiJ0b2tlbiJ9&a=1").build().toString();
        assertFalse(bare.contains("eyJ"), bare);
        assertTrue(bare.contains("a=..."), bare);
    }
}
