package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static io.github.osscallback.CompatFixture.FORM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Form bodies, OSS's default, parse the same on this classpath. */
class CompatFormTest {

    private final CompatFixture oss = new CompatFixture();

    @Test
    void decodesPlusAndPercentEscapes() throws Exception {
        OssCallback callback = oss.verify(FORM, "bucket=b&object=dir%2Fcaf%C3%A9+1.jpg&size=12&x%3Auid=42");
        assertEquals("dir/caf\u00e9 1.jpg", callback.object().orElseThrow());
        assertEquals(12, callback.size().getAsLong());
        assertEquals("42", callback.customVariables().get("x:uid"));
    }

    @Test
    void refusesAmbiguousOrBrokenFormsWhenStrict() throws Exception {
        assertEquals(MALFORMED_BODY, oss.strictRejection(FORM, "bucket=a&bucket=b"));
        assertEquals(MALFORMED_BODY, oss.strictRejection(FORM, "object=%zz"));
        assertEquals(MALFORMED_BODY, oss.strictRejection(FORM, "size=1.5"));
        assertTrue(oss.verify(FORM, "bucket=a&bucket=b").fields().isEmpty(), "an ambiguous field is never exposed");
    }
}
