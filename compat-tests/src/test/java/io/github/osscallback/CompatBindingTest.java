package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static io.github.osscallback.CompatFixture.FORM;
import static io.github.osscallback.CompatFixture.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding on this Jackson: no fraction truncated into an integer, no body value in a failure. */
class CompatBindingTest {

    private final CompatFixture oss = new CompatFixture();

    record Stored(String bucket, String name, long bytes, Integer parts) {
    }

    record Picture(Dimensions pic) {
    }

    record Dimensions(long height, long width) {
    }

    private CallbackRejectedException bindFails(OssCallback callback, Class<?> type, String bodyValue) {
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> callback.bind(type));
        assertEquals(MALFORMED_BODY, e.reason());
        assertNull(e.getCause());
        assertFalse(e.getMessage().contains(bodyValue), e.getMessage());
        return e;
    }

    @Test
    void bindsFormAndJsonBodiesWithNumbersAsText() throws Exception {
        Stored expected = new Stored("b", "a b/c", 9_000_000_000L, 3);
        assertEquals(expected, oss.verify(FORM, "bucket=b&name=a+b%2Fc&bytes=9000000000&parts=3").bind(Stored.class));
        assertEquals(expected, oss.verify(JSON, "{\"bucket\":\"b\",\"name\":\"a b/c\",\"bytes\":9000000000,\"parts\":\"3\"}")
                .bind(Stored.class));
        assertEquals(Map.of("bucket", "b"), oss.verify(FORM, "bucket=b").bind(Map.class));
    }

    @Test
    void jsonFractionIntoLongFails() throws Exception {
        CallbackRejectedException e = bindFails(oss.verify(JSON, "{\"bytes\":4711.5}"), Stored.class, "4711");
        assertTrue(e.getMessage().contains("'bytes'") && e.getMessage().contains("long"), e.getMessage());
        bindFails(oss.verify(JSON, "{\"parts\":4711.0}"), Stored.class, "4711");
    }

    @Test
    void formFractionIntoLongFails() throws Exception {
        CallbackRejectedException e = bindFails(oss.verify(FORM, "bytes=4711.5"), Stored.class, "4711");
        assertTrue(e.getMessage().contains("'bytes'"), e.getMessage());
        bindFails(oss.verify(FORM, "parts=4711.5"), Stored.class, "4711");
    }

    @Test
    void textIntoNumberFailsWithoutQuotingIt() throws Exception {
        bindFails(oss.verify(FORM, "bytes=hunter2"), Stored.class, "hunter2");
        CallbackRejectedException e = bindFails(oss.verify(JSON, "{\"pic\":{\"height\":\"hunter2\"}}"),
                Picture.class, "hunter2");
        assertTrue(e.getMessage().contains("'pic.height'"), e.getMessage());
    }
}
