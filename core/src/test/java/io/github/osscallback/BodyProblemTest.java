package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_CONTENT_TYPE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.internal.BodyParser;
import io.github.osscallback.spi.VerifierSettings;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.OssTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A verified callback is never refused for the shape of its body by default (issue 12): OSS signs
 * and delivers whatever the template produced and never retries. Bodies that are not what their
 * content type says arrive with a body problem, and with fields only where they can be read
 * without ambiguity. Strict mode refuses them as earlier versions did.
 */
class BodyProblemTest {

    static final String KEY_URL = "https://keys.test/oss/key.pem";
    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";
    /** A value that must never appear in a problem or a log line. */
    static final String SECRET = "s3cr3t-value";

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final CallbackVerifier verifier = builder().build();
    private final CallbackVerifier strict = builder().strictBodyParsing(true).build();
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Logger log = Logger.getLogger(BodyParser.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CallbackVerifier.Builder builder() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem())
                .remoteKeyFetching(false);
    }

    @BeforeEach
    void captureWarnings() {
        log.addHandler(capture);
    }

    @AfterEach
    void releaseWarnings() {
        log.removeHandler(capture);
    }

    private CallbackRequest signed(String contentType, String body) {
        return signer.request(KEY_URL, "/cb", null, contentType, body.getBytes(StandardCharsets.UTF_8)).build();
    }

    private OssCallback deliveredWithProblem(String contentType, String body) throws Exception {
        OssCallback callback = verifier.verify(signed(contentType, body));
        assertTrue(callback.bodyProblem().isPresent(), "expected a body problem for " + body);
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), callback.body());
        assertFalse(callback.bodyProblem().get().contains(SECRET), callback.bodyProblem().get());
        assertEquals(MALFORMED_BODY, assertThrows(CallbackRejectedException.class,
                () -> strict.verify(signed(contentType, body))).reason());
        return callback;
    }

    private void deliveredWithNoFields(String contentType, String body) throws Exception {
        OssCallback callback = deliveredWithProblem(contentType, body);
        assertEquals(Map.of(), callback.fields());
        assertTrue(callback.bucket().isEmpty());
        CallbackRejectedException bind = assertThrows(CallbackRejectedException.class, () -> callback.bind(Map.class));
        assertEquals(MALFORMED_BODY, bind.reason());
        assertFalse(bind.getMessage().contains(SECRET), bind.getMessage());
    }

    // --- JSON-mode substitution in a form-style template (captured from real OSS) ---

    @Test
    void readsFormStyleTemplateSentAsJsonWithTheQuotesRemoved() throws Exception {
        CallbackVerifier mapped = builder().bodyField(SystemVariable.OBJECT, "filename").build();
        OssCallback callback = mapped.verify(signed(JSON,
                "filename=\"users/42/cat.png\"&size=2048&mimeType=\"image/png\""));
        assertEquals(Map.of("filename", "users/42/cat.png", "size", "2048", "mimeType", "image/png"), callback.fields());
        assertEquals("users/42/cat.png", callback.object().orElseThrow());
        assertEquals(OptionalLong.of(2048), callback.size());
        assertTrue(callback.bodyProblem().orElseThrow().contains("form-style"), callback.bodyProblem().get());
    }

    @Test
    void readsBackWhatOssTemplateRendersForAFormStyleTemplateInJsonMode() throws Exception {
        String body = OssTemplate.renderJson("filename=${object}&size=${size}&mimeType=${mimeType}&uid=${x:uid}",
                Map.of("object", "users/42/\"cat\" & dog.png", "size", "2048", "mimeType", "image/png", "x:uid", "\u4e2d"));
        assertEquals("filename=\"users/42/\\\"cat\\\" & dog.png\"&size=2048&mimeType=\"image/png\"&uid=\"\u4e2d\"", body);
        OssCallback callback = deliveredWithProblem(JSON, body);
        assertEquals(Map.of("filename", "users/42/\"cat\" & dog.png", "size", "2048", "mimeType", "image/png",
                "uid", "\u4e2d"), callback.fields());
    }

    @Test
    void decodesJsonEscapesAndKeepsSeparatorsInsideQuotedValues() throws Exception {
        OssCallback callback = deliveredWithProblem(JSON,
                "object=\"a&b=c \\\"q\\\" \\\\ \\/ \\u00e9\\ud83d\\ude00\\n\"&x:uid=\"\u4e2d\"&note=a%2Fb+c");
        assertEquals("a&b=c \"q\" \\ / \u00e9\ud83d\ude00\n", callback.object().orElseThrow());
        assertEquals(Map.of("x:uid", "\u4e2d"), callback.customVariables());
        assertEquals("a/b c", callback.field("note").orElseThrow());
    }

    @Test
    void refusesStrictlyTheFormStyleTemplateSentAsJson() {
        assertEquals(MALFORMED_BODY, assertThrows(CallbackRejectedException.class,
                () -> strict.verify(signed(JSON, "bucket=\"b\"&size=1"))).reason());
    }

    @Test
    void readsNothingFromFormStyleJsonWithDuplicateNames() throws Exception {
        deliveredWithNoFields(JSON, "bucket=\"a\"&bucket=\"" + SECRET + "\"");
    }

    @Test
    void readsNothingFromFormStyleJsonWithBrokenQuoting() throws Exception {
        deliveredWithNoFields(JSON, "bucket=\"a\"x&size=1");
        deliveredWithNoFields(JSON, "key=users/\"" + SECRET + "\"&size=1");
        deliveredWithNoFields(JSON, "bucket=\"a\\q\"");
        deliveredWithNoFields(JSON, "bucket=\"\\ud83d\"");
        deliveredWithNoFields(JSON, "bucket=\"unterminated");
    }

    // --- bodies that parse in no way: delivered with the raw body and no fields ---

    @Test
    void deliversJsonTemplateWithATypoWithNoFields() throws Exception {
        OssCallback callback = verifier.verify(signed(JSON, "{\"bucket\":\"b\",\"object\",\"" + SECRET + "\"}"));
        assertEquals(Map.of(), callback.fields());
        String problem = callback.bodyProblem().orElseThrow();
        assertTrue(problem.contains("not valid JSON at line 1, column"), problem);
        assertFalse(problem.contains(SECRET), problem);
    }

    @Test
    void deliversQuotedPlaceholderRenderingWithNoFields() throws Exception {
        // {"bucket":"${bucket}"} as OSS renders it: OSS quotes strings itself.
        deliveredWithNoFields(JSON, "{\"bucket\":\"\"b\"\"}");
    }

    @Test
    void deliversJsonThatIsNoObjectWithNoFields() throws Exception {
        deliveredWithNoFields(JSON, "[1,2]");
        deliveredWithNoFields(JSON, "\"bucket\"");
        deliveredWithNoFields(JSON, "");
        deliveredWithNoFields(JSON, "{} {}");
        deliveredWithNoFields(JSON, "{\"bucket\":");
    }

    @Test
    void deliversHostileJsonWithNoFields() throws Exception {
        deliveredWithNoFields(JSON, "{\"a\":".repeat(1000) + "1" + "}".repeat(1000));
        deliveredWithNoFields(JSON, "{\"size\":" + "9".repeat(5000) + "}");
    }

    @Test
    void deliversDuplicateNamesWithNoFieldsSoNoAmbiguousValueIsExposed() throws Exception {
        deliveredWithNoFields(FORM, "bucket=a&bucket=" + SECRET);
        deliveredWithNoFields(JSON, "{\"bucket\":\"a\",\"bucket\":\"" + SECRET + "\"}");
        deliveredWithNoFields(JSON, "{\"a.b\":\"1\",\"a\":{\"b\":\"2\"}}");
        assertTrue(verifier.verify(signed(FORM, "bucket=a&bucket=b")).bodyProblem().orElseThrow()
                .contains("'bucket' appears more than once"));
    }

    @Test
    void deliversFormThatIsNotUtf8WithNoFields() throws Exception {
        deliveredWithNoFields(FORM, "bucket=b&object=caf%E9");
        byte[] latin1 = "bucket=b&object=caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        OssCallback callback = verifier.verify(signer.request(KEY_URL, "/cb", null, FORM, latin1).build());
        assertEquals(Map.of(), callback.fields());
        assertArrayEquals(latin1, callback.body());
    }

    @Test
    void deliversJsonTemplateSentAsFormWithNoFields() throws Exception {
        // callbackBodyType left at form for a JSON template: OSS URL-encodes the values into it.
        deliveredWithNoFields(FORM, "{\"bucket\":my-bucket,\"object\":a%2Fb.png}");
    }

    // --- readable, with a problem noted ---

    @Test
    void readsNoFieldFromABodyWithAPercentThatStartsNoEscape() throws Exception {
        // URLDecoder would refuse '50%' and read '%２Ｅ' as '.': no reading is safe to share.
        deliveredWithNoFields(FORM, "discount=50%&bucket=b");
        deliveredWithNoFields(FORM, "rate=%zz&bucket=b");
        deliveredWithNoFields(FORM, "object=a%\uff12\uff25b&bucket=b");
        assertTrue(verifier.verify(signed(FORM, "discount=50%&bucket=b")).bodyProblem().get().contains("%25"));
    }

    @Test
    void leavesTypedNumberEmptyWhenItIsNoWholeNumber() throws Exception {
        OssCallback callback = deliveredWithProblem(FORM, "bucket=b&size=ten&imageInfo.height=-1");
        assertEquals("b", callback.bucket().orElseThrow());
        assertEquals("ten", callback.field("size").orElseThrow());
        assertEquals(OptionalLong.empty(), callback.size());
        assertEquals(OptionalLong.empty(), callback.imageHeight());
        assertTrue(callback.bodyProblem().get().contains("${size}"), callback.bodyProblem().get());
        assertTrue(callback.bodyProblem().get().contains("${imageInfo.height}"), callback.bodyProblem().get());
        assertEquals(OptionalLong.empty(), deliveredWithProblem(JSON, "{\"size\":1.5}").size());
        assertEquals(OptionalLong.empty(), deliveredWithProblem(FORM, "size=99999999999999999999").size());
    }

    @Test
    void reportsNoProblemForACleanBody() throws Exception {
        assertTrue(verifier.verify(signed(FORM, "bucket=b&size=1")).bodyProblem().isEmpty());
        assertTrue(verifier.verify(signed(JSON, "{\"bucket\":\"b\",\"size\":\"1\"}")).bodyProblem().isEmpty());
        assertTrue(strict.verify(signed(JSON, "{\"bucket\":\"b\",\"size\":1}")).bodyProblem().isEmpty());
        assertEquals(List.of(), warnings);
    }

    @Test
    void stillRefusesAContentTypeOssNeverSends() {
        assertEquals(UNSUPPORTED_CONTENT_TYPE, assertThrows(CallbackRejectedException.class,
                () -> verifier.verify(signed("text/plain", "bucket=b"))).reason());
    }

    // --- logging, settings, upload tokens ---

    @Test
    void logsEachProblemOnceAtWarningWithoutBodyContent() throws Exception {
        verifier.verify(signed(JSON, "{\"bucket\":\"" + SECRET + "\",\"object\",1}"));
        assertEquals(1, warnings.size());
        LogRecord record = warnings.get(0);
        assertEquals(Level.WARNING, record.getLevel());
        String line = java.text.MessageFormat.format(record.getMessage(), record.getParameters());
        assertFalse(line.contains(SECRET), line);
        assertFalse(line.contains("\n"), line);
        assertTrue(line.contains("/cb") && line.contains("not valid JSON"), line);
    }

    @Test
    void strictModeIsAStringSetting() {
        CallbackVerifier fromSettings = VerifierSettings.configure(builder(), Map.of("strictBodyParsing", "true")).build();
        assertEquals(MALFORMED_BODY, assertThrows(CallbackRejectedException.class,
                () -> fromSettings.verify(signed(FORM, "bucket=a&bucket=b"))).reason());
        assertThrows(IllegalArgumentException.class, () -> VerifierSettings.configure(builder(), Map.of("strictBodyParsing", "yes")));
    }

    @Test
    void uploadTokensFailClosedWhenTheBoundFieldsCannotBeRead() throws Exception {
        UploadTokens tokens = UploadTokens.builder()
                .signingKey("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII)).build();
        CallbackVerifier withTokens = builder().uploadTokens(tokens).build();
        String token = tokens.issueForObject("photos", "a.png", null, Duration.ofMinutes(5));
        String body = "bucket=photos&object=a.png&upload_token=" + token;
        assertTrue(withTokens.verify(signed(FORM, body)).bodyProblem().isEmpty());
        // Every field is unreadable once one name repeats: a body without one reading is refused as such.
        assertEquals(MALFORMED_BODY, assertThrows(CallbackRejectedException.class,
                () -> withTokens.verify(signed(FORM, body + "&bucket=photos"))).reason());
        assertEquals(MALFORMED_BODY, assertThrows(CallbackRejectedException.class,
                () -> withTokens.verify(signed(FORM, body + "&note=50%"))).reason());
        assertEquals(MALFORMED_BODY, assertThrows(CallbackRejectedException.class,
                () -> withTokens.verify(signed(JSON, "{\"bucket\":\"photos\",\"object\",\"a.png\",\"upload_token\":\""
                        + token + "\"}"))).reason());
        // The token is readable but the bucket is not in the body: refused as a mismatch, never let through.
        assertEquals(CallbackRejectedException.Reason.UPLOAD_TOKEN_MISMATCH, assertThrows(CallbackRejectedException.class,
                () -> withTokens.verify(signed(JSON, "object=\"a.png\"&upload_token=\"" + token + "\""))).reason());
        // A form-style template sent as JSON is read unambiguously, so its token is checked as usual
        // (a token of its own: the first one vouched for the first accepted callback).
        String second = tokens.issueForObject("photos", "a.png", null, Duration.ofMinutes(5));
        OssCallback formStyle = withTokens.verify(signed(JSON,
                "bucket=\"photos\"&object=\"a.png\"&upload_token=\"" + second + "\""));
        assertEquals("a.png", formStyle.object().orElseThrow());
    }
}
