package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link OssCallback#bind}: a fraction is never truncated into an integer field, and a failure
 * names the field and the type but carries no body value, neither in its message nor in a cause.
 */
class OssCallbackBindTest {

    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String JSON = "application/json";

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final CallbackVerifier verifier = CallbackVerifier.builder()
            .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
            .pinKey(KEY_URL, signer.publicKeyPem())
            .remoteKeyFetching(false)
            .build();

    // Field names other than the system variables', which the verifier itself checks as numbers.
    record Upload(String bucket, String name, long bytes) {
    }

    record Counts(int count, Long total) {
    }

    record Picture(Dimensions pic) {
    }

    record Dimensions(long height, long width) {
    }

    record Listed(List<Long> sizes) {
    }

    private OssCallback callback(String contentType, String body) throws CallbackRejectedException {
        return verifier.verify(signer.request(KEY_URL, "/cb", null, contentType,
                body.getBytes(StandardCharsets.UTF_8)).build());
    }

    private static CallbackRejectedException bindFails(OssCallback callback, Class<?> type, String... bodyValues) {
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> callback.bind(type));
        assertEquals(MALFORMED_BODY, e.reason());
        assertNull(e.getCause(), "a Jackson cause would quote the body value");
        for (String value : bodyValues) {
            assertFalse(e.getMessage().contains(value), e.getMessage());
            assertFalse(e.toString().contains(value), e.toString());
        }
        return e;
    }

    @Test
    void jsonFractionIntoLongFails() throws Exception {
        CallbackRejectedException e = bindFails(callback(JSON, "{\"bucket\":\"b\",\"name\":\"o\",\"bytes\":731.5}"),
                Upload.class, "731");
        assertTrue(e.getMessage().contains("'bytes'"), e.getMessage());
        assertTrue(e.getMessage().contains("long"), e.getMessage());
    }

    @Test
    void jsonFractionWithZeroFractionIntoLongFails() throws Exception {
        bindFails(callback(JSON, "{\"bytes\":731.0}"), Upload.class, "731");
        bindFails(callback(JSON, "{\"count\":7e2}"), Counts.class, "7e2");
    }

    @Test
    void formFractionIntoLongFails() throws Exception {
        CallbackRejectedException e = bindFails(callback(FORM, "bucket=b&name=o&bytes=731.5"), Upload.class, "731");
        assertTrue(e.getMessage().contains("'bytes'"), e.getMessage());
    }

    @Test
    void fractionIntoBoxedAndIntFieldsFails() throws Exception {
        bindFails(callback(FORM, "count=1&total=8821.5"), Counts.class, "8821");
        bindFails(callback(FORM, "count=8821.5"), Counts.class, "8821");
        bindFails(callback(JSON, "{\"count\":1,\"total\":8821.5}"), Counts.class, "8821");
        bindFails(callback(JSON, "{\"count\":\"8821.5\"}"), Counts.class, "8821");
    }

    @Test
    void textIntoNumberFailsWithoutQuotingIt() throws Exception {
        bindFails(callback(FORM, "count=hunter2"), Counts.class, "hunter2");
        bindFails(callback(JSON, "{\"count\":\"hunter2\"}"), Counts.class, "hunter2");
        bindFails(callback(JSON, "{\"count\":{\"nested\":\"hunter2\"}}"), Counts.class, "hunter2");
    }

    @Test
    void failureNamesTheNestedPath() throws Exception {
        CallbackRejectedException e = bindFails(callback(JSON, "{\"pic\":{\"height\":\"tall9\",\"width\":3}}"),
                Picture.class, "tall9");
        assertTrue(e.getMessage().contains("'pic.height'"), e.getMessage());
        e = bindFails(callback(JSON, "{\"sizes\":[1,2,\"big77\"]}"), Listed.class, "big77");
        assertTrue(e.getMessage().contains("'sizes[2]'"), e.getMessage());
    }

    @Test
    void integersSentAsStringsStillBind() throws Exception {
        assertEquals(new Upload("b", "o", 12), callback(FORM, "bucket=b&name=o&bytes=12").bind(Upload.class));
        assertEquals(new Upload("b", "o", 12), callback(JSON, "{\"bucket\":\"b\",\"name\":\"o\",\"bytes\":\"12\"}")
                .bind(Upload.class));
        assertEquals(new Counts(-3, 9_000_000_000L), callback(FORM, "count=-3&total=9000000000").bind(Counts.class));
        assertEquals(new Picture(new Dimensions(3, 4)),
                callback(JSON, "{\"pic\":{\"height\":3,\"width\":\"4\"}}").bind(Picture.class));
    }
}
