package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.BODY_TOO_LARGE;
import static io.github.osscallback.CallbackRejectedException.Reason.BODY_UNREADABLE;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.METHOD_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.MISSING_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_CONTENT_TYPE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.testing.OssCallbackSigner;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Verification end to end in core, with a test key pinned for a test URL: headers, the accepted
 * string-to-sign variants (docs/protocol.md in the repository, section 5), body limits and body parsing.
 */
class CallbackVerifierTest {

    static final String KEY_URL = "https://keys.test/oss/key.pem";
    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final CallbackVerifier verifier = builder().build();
    private final CallbackVerifier strict = builder().strictBodyParsing(true).build();

    private CallbackVerifier.Builder builder() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem())
                .remoteKeyFetching(false);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private CallbackRequest.Builder signed(String path, String query, String contentType, String body) {
        return signer.request(KEY_URL, path, query, contentType, utf8(body));
    }

    /** A form request signed for one path, query and body, sent with the given method, path, query and body. */
    private CallbackRequest.Builder signedAs(String method, String signedPath, String signedQuery, String signedBody,
                                             String path, String query, String body) {
        return CallbackRequest.builder().method(method).path(path).query(query)
                .header("authorization", signer.sign(signedPath, signedQuery, utf8(signedBody)))
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL))
                .header("content-type", FORM)
                .body(utf8(body));
    }

    private CallbackRejectedException.Reason rejection(CallbackRequest.Builder request) {
        return rejection(verifier, request);
    }

    private static CallbackRejectedException.Reason rejection(CallbackVerifier v, CallbackRequest.Builder request) {
        return assertThrows(CallbackRejectedException.class, () -> v.verify(request.build())).reason();
    }

    // --- headers ---

    /** A request the verifier must refuse for its headers (or method), and the reason it must give. */
    record HeaderRejection(String name, Function<CallbackVerifierTest, CallbackRequest.Builder> request,
                           CallbackRejectedException.Reason reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<HeaderRejection> headerRejections() {
        return List.of(
                new HeaderRejection("authorization missing", t -> CallbackRequest.builder().path("/cb")
                        .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL)), MISSING_HEADER),
                new HeaderRejection("key URL missing", t -> CallbackRequest.builder().path("/cb")
                        .header("authorization", t.signer.sign("/cb", null, new byte[0])), MISSING_HEADER),
                new HeaderRejection("authorization repeated", t -> t.signed("/cb", null, FORM, "a=b")
                        .header("Authorization", "AAAA"), MALFORMED_HEADER),
                new HeaderRejection("key URL repeated", t -> t.signed("/cb", null, FORM, "a=b")
                        .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL)), MALFORMED_HEADER),
                new HeaderRejection("authorization empty", t -> CallbackRequest.builder().path("/cb")
                        .header("authorization", " ")
                        .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL)), MALFORMED_HEADER),
                new HeaderRejection("authorization not base64", t -> CallbackRequest.builder().path("/cb")
                        .header("authorization", "not*base64!")
                        .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL)), MALFORMED_HEADER),
                new HeaderRejection("key URL not base64", t -> CallbackRequest.builder().path("/cb")
                        .header("authorization", "AAAA")
                        .header("x-oss-pub-key-url", "https://keys.test/oss/key.pem"), MALFORMED_HEADER),
                new HeaderRejection("authorization overlong", t -> CallbackRequest.builder().path("/cb")
                        .header("authorization", "A".repeat(CallbackHeaders.MAX_SIGNATURE_HEADER_LENGTH + 4))
                        .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL)), MALFORMED_HEADER),
                new HeaderRejection("GET", t -> {
                    CallbackRequest.Builder get = CallbackRequest.builder().method("GET").path("/cb").body(utf8("a=b"));
                    t.signer.headers(KEY_URL, "/cb", null, FORM, utf8("a=b")).forEach(get::header);
                    return get;
                }, METHOD_NOT_ALLOWED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headerRejections")
    void rejectsByItsHeaders(HeaderRejection r) {
        assertEquals(r.reason(), rejection(r.request().apply(this)));
    }

    @Test
    void readsHeaderNamesCaseInsensitively() throws Exception {
        byte[] body = utf8("bucket=b");
        verifier.verify(CallbackRequest.builder().path("/cb")
                .header("AUTHORIZATION", signer.sign("/cb", null, body))
                .header("X-Oss-Pub-Key-Url", OssCallbackSigner.encodeKeyUrl(KEY_URL))
                .body(body).build());
    }

    // --- string to sign ---

    @Test
    void verifiesRequestWithQuery() throws Exception {
        verifier.verify(signed("/cb", "id=1&x=%20", FORM, "a=b").build());
    }

    @Test
    void verifiesPercentEncodedPathSignedDecoded() throws Exception {
        OssCallback cb = verifier.verify(signed("/up%20loads/%E4%B8%AD", null, FORM, "a=b").build());
        assertEquals("/up%20loads/%E4%B8%AD", cb.path());
    }

    @Test
    void acceptsPlusKeptInPathAsPythonUnquoteDoes() throws Exception {
        verifier.verify(signed("/a+b", null, FORM, "a=b").build());
    }

    @Test
    void acceptsPlusAsSpaceInPathAsJavaUrlDecoderDoes() throws Exception {
        byte[] body = utf8("a=b");
        String signature = signer.signBytes(utf8("/a b\na=b"));
        verifier.verify(request("/a+b", null, signature, body));
    }

    @Test
    void acceptsBareQuestionMarkWithoutQueryAsTheRubySampleSigns() throws Exception {
        byte[] body = utf8("a=b");
        verifier.verify(request("/cb", null, signer.signBytes(utf8("/cb?\na=b")), body));
        verifier.verify(request("/cb", "", signer.signBytes(utf8("/cb?\na=b")), body));
        verifier.verify(request("/cb", "", signer.signBytes(utf8("/cb\na=b")), body));
    }

    @Test
    void rejectsQueryMovedIntoThePath() {
        byte[] body = utf8("a=b");
        // Refused before the signature is even checked: an escaped '?' in the path is never genuine framing.
        assertEquals(CallbackRejectedException.Reason.MALFORMED_PATH, assertThrows(CallbackRejectedException.class,
                () -> verifier.verify(request("/cb%3Fid=1", null, signer.signBytes(utf8("/cb?id=2\na=b")), body))).reason());
    }

    @Test
    void rejectsSignatureFromAnotherKey() {
        OssCallbackSigner other = OssCallbackSigner.generate();
        assertEquals(SIGNATURE_MISMATCH, rejection(other.request(KEY_URL, "/cb", null, FORM, utf8("a=b"))));
    }

    @Test
    void rejectsTamperedBodyPathAndQuery() {
        assertEquals(SIGNATURE_MISMATCH, rejection(signedAs("POST", "/cb", "q=1", "a=b", "/cb", "q=1", "a=c")));
        assertEquals(SIGNATURE_MISMATCH, rejection(signedAs("POST", "/cb", "q=1", "a=b", "/cc", "q=1", "a=b")));
        assertEquals(SIGNATURE_MISMATCH, rejection(signedAs("POST", "/cb", "q=1", "a=b", "/cb", "q=2", "a=b")));
    }

    private CallbackRequest request(String path, String query, String signature, byte[] body) {
        return CallbackRequest.builder().path(path).query(query)
                .header("authorization", signature)
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL))
                .body(body).build();
    }

    // --- body limits ---

    @Test
    void refusesDeclaredLengthOverLimitBeforeReading() {
        InputStream neverRead = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("body must not be read");
            }
        };
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                () -> verifier.verify(CallbackRequest.builder().path("/cb").build(), neverRead, CallbackVerifier.DEFAULT_MAX_BODY_BYTES + 1L));
        assertEquals(BODY_TOO_LARGE, e.reason());
    }

    @Test
    void refusesChunkedBodyOverLimit() {
        byte[] big = new byte[CallbackVerifier.DEFAULT_MAX_BODY_BYTES + 1];
        assertEquals(BODY_TOO_LARGE, assertThrows(CallbackRejectedException.class,
                () -> verifier.verify(CallbackRequest.builder().path("/cb").build(), new ByteArrayInputStream(big), -1)).reason());
    }

    @Test
    void readsBodyOfExactlyTheLimit() throws Exception {
        CallbackVerifier small = builder().maxBodyBytes(10).build();
        assertArrayEquals(utf8("0123456789"), new BodyLimit(10).read(new ByteArrayInputStream(utf8("0123456789")), -1));
        assertEquals(BODY_TOO_LARGE, assertThrows(CallbackRejectedException.class,
                () -> small.verify(CallbackRequest.builder().path("/cb").build(), new ByteArrayInputStream(utf8("0123456789A")), -1)).reason());
    }

    @Test
    void reportsBrokenConnectionAsUnreadable() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        };
        assertEquals(BODY_UNREADABLE, assertThrows(CallbackRejectedException.class,
                () -> verifier.verify(CallbackRequest.builder().path("/cb").build(), broken, -1)).reason());
    }

    @Test
    void refusesBuiltRequestOverLimit() {
        CallbackVerifier small = builder().maxBodyBytes(4).build();
        assertEquals(BODY_TOO_LARGE, rejection(small, signed("/cb", null, FORM, "a=bcd")));
    }

    // --- body parsing ---

    @Test
    void parsesFormBodyIntoSystemVariablesAndCustomVariables() throws Exception {
        OssCallback cb = verifier.verify(signed("/cb", null, FORM,
                "bucket=my-bucket&object=photos%2F%E4%B8%AD+1.jpg&etag=%22ABC%22&size=1024&mimeType=image%2Fjpeg"
                        + "&imageInfo.height=480&imageInfo.width=640&imageInfo.format=jpg&x%3Auid=42").build());
        assertEquals("my-bucket", cb.bucket().orElseThrow());
        assertEquals("photos/\u4e2d 1.jpg", cb.object().orElseThrow());
        assertEquals("\"ABC\"", cb.get(SystemVariable.ETAG).orElseThrow());
        assertEquals(OptionalLong.of(1024), cb.size());
        assertEquals("image/jpeg", cb.get(SystemVariable.MIME_TYPE).orElseThrow());
        assertEquals(OptionalLong.of(480), cb.imageHeight());
        assertEquals(OptionalLong.of(640), cb.imageWidth());
        assertEquals("jpg", cb.get(SystemVariable.IMAGE_FORMAT).orElseThrow());
        assertEquals(Map.of("x:uid", "42"), cb.customVariables());
        assertTrue(cb.get(SystemVariable.CRC64).isEmpty());
    }

    @Test
    void treatsMissingContentTypeAsForm() throws Exception {
        assertEquals("b", verifier.verify(signed("/cb", null, null, "bucket=b").build()).bucket().orElseThrow());
    }

    @Test
    void bodyTypeIsWhatTheContentTypeStates() throws Exception {
        Map<String, BodyType> cases = new java.util.LinkedHashMap<>();
        cases.put(null, BodyType.FORM);
        cases.put(" ", BodyType.FORM);
        cases.put("Application/X-WWW-Form-Urlencoded; charset=UTF-8", BodyType.FORM);
        cases.put(JSON, BodyType.JSON);
        cases.put("application/vnd.example+json", BodyType.JSON);
        for (Map.Entry<String, BodyType> c : cases.entrySet()) {
            String body = c.getValue() == BodyType.JSON ? "{\"a\":\"b\"}" : "a=b";
            OssCallback cb = verifier.verify(signed("/cb", null, c.getKey(), body).build());
            assertEquals(c.getValue(), cb.bodyType(), String.valueOf(c.getKey()));
            assertEquals("b", cb.field("a").orElseThrow());
        }
        assertEquals(CallbackRejectedException.Reason.UNSUPPORTED_CONTENT_TYPE,
                rejection(signed("/cb", null, "text/plain", "a=b")));
    }

    @Test
    void parsesJsonBodyWithNumbersAsNumbersOrStrings() throws Exception {
        OssCallback cb = verifier.verify(signed("/cb", null, JSON + "; charset=utf-8",
                "{\"bucket\":\"b\",\"object\":\"\u4e2d.png\",\"size\":\"9\",\"imageInfo\":{\"height\":10,\"width\":\"20\"},"
                        + "\"x:trace\":\"t\",\"none\":null}").build());
        assertEquals("\u4e2d.png", cb.object().orElseThrow());
        assertEquals(OptionalLong.of(9), cb.size());
        assertEquals(OptionalLong.of(10), cb.imageHeight());
        assertEquals(OptionalLong.of(20), cb.imageWidth());
        assertEquals(Map.of("x:trace", "t"), cb.customVariables());
        assertTrue(cb.field("none").isEmpty());
    }

    @Test
    void mapsTemplateFieldNamesToSystemVariables() throws Exception {
        CallbackVerifier mapped = builder().bodyField(SystemVariable.OBJECT, "filename")
                .bodyField(SystemVariable.IMAGE_HEIGHT, "height").build();
        OssCallback cb = mapped.verify(signed("/cb", null, FORM, "filename=a.jpg&height=7").build());
        assertEquals("a.jpg", cb.object().orElseThrow());
        assertEquals(OptionalLong.of(7), cb.imageHeight());
        assertEquals("a.jpg", cb.field("filename").orElseThrow());
    }

    record Upload(String bucket, String object, long size) {
    }

    @Test
    void bindsFormBodyToRecord() throws Exception {
        OssCallback cb = verifier.verify(signed("/cb", null, FORM, "bucket=b&object=o&size=12&extra=1").build());
        assertEquals(new Upload("b", "o", 12), cb.bind(Upload.class));
    }

    @Test
    void bindsJsonBodyWithStringNumbersToRecord() throws Exception {
        OssCallback cb = verifier.verify(signed("/cb", null, JSON, "{\"bucket\":\"b\",\"object\":\"o\",\"size\":\"12\"}").build());
        assertEquals(new Upload("b", "o", 12), cb.bind(Upload.class));
    }

    record Counted(int count) {
    }

    @Test
    void reportsUnbindableBodyAsMalformed() throws Exception {
        OssCallback cb = verifier.verify(signed("/cb", null, FORM, "count=many").build());
        assertEquals(MALFORMED_BODY, assertThrows(CallbackRejectedException.class, () -> cb.bind(Counted.class)).reason());
    }

    // Default-mode delivery of the same bodies, with a body problem, is in BodyProblemTest.

    @Test
    void strictModeRejectsNonNumericSize() {
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, FORM, "size=-1")));
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, JSON, "{\"size\":1.5}")));
    }

    @Test
    void strictModeRejectsDuplicateFormField() {
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, FORM, "bucket=a&bucket=b")));
    }

    @Test
    void strictModeRejectsDuplicateJsonField() {
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, JSON, "{\"bucket\":\"a\",\"bucket\":\"b\"}")));
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, JSON, "{\"a.b\":\"1\",\"a\":{\"b\":\"2\"}}")));
    }

    @Test
    void strictModeRejectsFormThatIsNotUtf8() {
        byte[] latin1 = "object=caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(MALFORMED_BODY, rejection(strict, signer.request(KEY_URL, "/cb", null, FORM, latin1)));
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, FORM, "object=caf%E9")));
    }

    @Test
    void strictModeRejectsBrokenPercentEscapeInForm() {
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, FORM, "object=%zz")));
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, FORM, "object=%4")));
    }

    @Test
    void strictModeRejectsInvalidJson() {
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, JSON, "{\"bucket\":")));
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, JSON, "[1,2]")));
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, JSON, "")));
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, JSON, "{} {}")));
    }

    @Test
    void strictModeRejectsDeeplyNestedJson() {
        String deep = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, JSON, deep)));
    }

    @Test
    void strictModeRejectsHugeJsonNumber() {
        assertEquals(MALFORMED_BODY, rejection(strict, signed("/cb", null, JSON, "{\"size\":" + "9".repeat(5000) + "}")));
    }

    @Test
    void rejectsUnsupportedContentType() {
        assertEquals(UNSUPPORTED_CONTENT_TYPE, rejection(signed("/cb", null, "text/plain", "bucket=b")));
    }

    @Test
    void exposesRawBodyAsACopy() throws Exception {
        OssCallback cb = verifier.verify(signed("/cb", null, FORM, "a=b").build());
        byte[] body = cb.body();
        body[0] = 'X';
        assertArrayEquals(utf8("a=b"), cb.body());
    }

    @Test
    void keepsFieldValuesOutOfToString() throws Exception {
        OssCallback cb = verifier.verify(signed("/cb", null, FORM, "secret=hunter2").build());
        assertTrue(!cb.toString().contains("hunter2"), cb.toString());
    }

    // --- builder ---

    @Test
    void refusesOptionSetTwice() {
        assertThrows(IllegalStateException.class, () -> CallbackVerifier.builder().maxBodyBytes(1).maxBodyBytes(2));
    }

    @Test
    void refusesPinForUrlThePolicyDoesNotAllow() {
        assertThrows(IllegalStateException.class, () -> CallbackVerifier.builder()
                .pinKey("https://elsewhere.test/k.pem", signer.publicKeyPem()).build());
    }

    @Test
    void refusesConfigurationThatCanNeverVerify() {
        assertThrows(IllegalStateException.class, () -> CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/").build())
                .remoteKeyFetching(false).build());
    }

    @Test
    void refusesConnectTimeoutLongerThanFetchTimeout() {
        assertThrows(IllegalStateException.class, () -> CallbackVerifier.builder()
                .keyFetchConnectTimeout(java.time.Duration.ofSeconds(4))
                .keyFetchTimeout(java.time.Duration.ofSeconds(1)).build());
    }
}
