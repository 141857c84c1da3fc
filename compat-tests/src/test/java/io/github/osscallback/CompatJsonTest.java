package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static io.github.osscallback.CompatFixture.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.osscallback.upload.CallbackParameters;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * JSON bodies keep the library's nesting, number-length, duplicate and trailing-token rules on this
 * Jackson, through the public verifier, exactly at each boundary.
 */
class CompatJsonTest {

    private final CompatFixture oss = new CompatFixture();

    private CallbackRejectedException.Reason rejection(String json) throws CallbackRejectedException {
        return oss.strictRejection(JSON, json);
    }

    private static String nested(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{\"a\":1}" + "}".repeat(depth - 1);
    }

    @Test
    void parsesAnOrdinaryJsonCallback() throws Exception {
        OssCallback callback = oss.verify(JSON, "{\"bucket\":\"b\",\"object\":\"a/b.png\",\"size\":2048,"
                + "\"imageInfo\":{\"height\":3,\"width\":4,\"format\":\"png\"},\"x:uid\":\"42\"}");
        assertEquals("a/b.png", callback.object().orElseThrow());
        assertEquals(2048, callback.size().getAsLong());
        assertEquals(3, callback.imageHeight().getAsLong());
        assertEquals(Map.of("x:uid", "42"), callback.customVariables());
    }

    @Test
    void nestingIsLimitedToThirtyTwoLevels() throws Exception {
        assertEquals("1", oss.verify(JSON, nested(32)).field(String.join(".", Collections.nCopies(32, "a"))).orElseThrow());
        assertEquals(MALFORMED_BODY, rejection(nested(33)));
        assertEquals(MALFORMED_BODY, rejection("{\"a\":" + "[".repeat(32) + "]".repeat(32) + "}"));
    }

    @Test
    void hostileNestingIsRefusedNotOverflowed() throws Exception {
        // 60,000 levels fit in the default 64 KiB body; a recursive tree builder would overflow its stack.
        assertEquals(MALFORMED_BODY, rejection("{\"a\":" + "[".repeat(60_000)));
        assertEquals(MALFORMED_BODY, rejection("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)));
    }

    @Test
    void numbersAreLimitedToSixtyFourDigits() throws Exception {
        String digits = "9".repeat(64);
        assertEquals(digits, oss.verify(JSON, "{\"n\":" + digits + "}").field("n").orElseThrow());
        assertEquals(MALFORMED_BODY, rejection("{\"n\":" + digits + "9}"));
        assertEquals(MALFORMED_BODY, rejection("{\"n\":-" + digits + "9}"));
        assertEquals(MALFORMED_BODY, rejection("{\"n\":0." + digits + "}"));
        assertEquals(MALFORMED_BODY, rejection("{\"n\":" + "1".repeat(60_000) + "}"));
        assertEquals(MALFORMED_BODY, rejection("{\"n\":1." + "0".repeat(60_000) + "e9}"));
    }

    @Test
    void duplicatesTrailingTokensAndNonObjectsAreRefused() throws Exception {
        assertEquals(MALFORMED_BODY, rejection("{\"bucket\":\"a\",\"bucket\":\"b\"}"));
        assertEquals(MALFORMED_BODY, rejection("{\"a\":1} {}"));
        assertEquals(MALFORMED_BODY, rejection("[1,2]"));
        assertEquals(MALFORMED_BODY, rejection(""));
        assertEquals(MALFORMED_BODY, rejection("{\"a\":"));
    }

    @Test
    void repliesAndTemplatesStillRenderAndParse() {
        assertEquals("{\"status\":\"OK\",\"n\":[1,2]}", CallbackReply.json(orderedReply()).bodyAsString());
        assertEquals("{\"a\":[1]}", CallbackReply.json("{\"a\":[1]}").bodyAsString());
        assertThrows(IllegalArgumentException.class, () -> CallbackReply.json("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}"));
        CallbackParameters.builder().callbackUrl("https://api.example.com/cb")
                .callbackBody("{\"bucket\":${bucket},\"size\":${size}}")
                .bodyType(BodyType.JSON).build();
        assertThrows(IllegalStateException.class, () -> CallbackParameters.builder()
                .callbackUrl("https://api.example.com/cb")
                .callbackBody("{\"bucket\":${bucket},")
                .bodyType(BodyType.JSON).build());
    }

    private static Map<String, Object> orderedReply() {
        Map<String, Object> reply = new java.util.LinkedHashMap<>();
        reply.put("status", "OK");
        reply.put("n", List.of(1, 2));
        return reply;
    }
}
