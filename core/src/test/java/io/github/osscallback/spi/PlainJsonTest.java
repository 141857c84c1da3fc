package io.github.osscallback.spi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The quick yes before Jackson says yes only where Jackson does, and says it for the replies handlers write. */
class PlainJsonTest {

    private static final JsonFactory JSON = new JsonFactory();

    @Test
    void takesTheRepliesHandlersWrite() {
        for (String reply : List.of("{\"Status\":\"OK\"}", "{\"Status\":\"OK\",\"bytes\":200}", " {}\n", "[]", "[1, 2]",
                "{\"a\":{\"b\":[true,false,null,-0,0.5,1e3,-2.5E-7,12345678901234567890]}}",
                "\"text\"", "0", "-1.0e+2", "{\"esc\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"}",
                "\t{ \"k\" : \"v\" , \"n\" : [ ] }\r\n")) {
            byte[] bytes = reply.getBytes(StandardCharsets.US_ASCII);
            assertTrue(PlainJson.is(bytes), reply);
            assertTrue(jacksonTakes(bytes), reply);
            assertNull(ReplyCheck.problem("application/json", bytes), reply);
        }
    }

    @Test
    void leavesToJacksonWhatItIsUnsureOf() {
        for (String reply : List.of("", " ", "{", "}", "[1,]", "{\"a\":1,}", "{'a':1}", "{a:1}", "01", "1.", ".5", "+1",
                "-", "1e", "1e+", "NaN", "Infinity", "tru", "truex", "nul", "{\"a\" 1}", "[1 2]", "{} {}", "1 2",
                "\"a", "\"\\x\"", "\"\\u12g4\"", "\"\\u12\"", "\"tab\there\"", "\"del\u007f\"", "\"caf\u00e9\"",
                "// c\n{}", "/* c */{}", "{\"a\":1}//", "\u00ef\u00bb\u00bf{}", "[\u000b]", "\u0000{}",
                "[" + "1".repeat(PlainJson.MAX_NUMBER + 1) + "]",
                "{\"" + "n".repeat(PlainJson.MAX_NAME) + "\":1}",
                "[".repeat(PlainJson.MAX_DEPTH + 1) + "]".repeat(PlainJson.MAX_DEPTH + 1))) {
            assertFalse(PlainJson.is(reply.getBytes(StandardCharsets.ISO_8859_1)), reply);
        }
        // Within every limit, it does take them.
        assertTrue(PlainJson.is(("[" + "1".repeat(PlainJson.MAX_NUMBER) + "]").getBytes(StandardCharsets.US_ASCII)));
        assertTrue(PlainJson.is(("{\"" + "n".repeat(PlainJson.MAX_NAME - 1) + "\":1}").getBytes(StandardCharsets.US_ASCII)));
        assertTrue(PlainJson.is(("[".repeat(PlainJson.MAX_DEPTH) + "]".repeat(PlainJson.MAX_DEPTH))
                .getBytes(StandardCharsets.US_ASCII)));
    }

    /** Random documents and near-documents from JSON's pieces: wherever the quick check says yes, Jackson does too. */
    @Test
    void neverSaysYesWhereJacksonSaysNo() {
        String[] pieces = {"{", "}", "[", "]", ",", ":", " ", "\n", "\"", "\"k\"", "\"v\\n\"", "\\", "\\u", "00e9",
            "0", "1", "-", ".", "e", "E", "+", "true", "false", "null", "x", "\t", "\u0001", "\u00e9", "/", "*", "'"};
        Random random = new Random(24);
        int yes = 0;
        for (int n = 0; n < 200_000; n++) {
            StringBuilder doc = new StringBuilder();
            int length = 1 + random.nextInt(14);
            for (int i = 0; i < length; i++) {
                doc.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] bytes = doc.toString().getBytes(StandardCharsets.UTF_8);
            if (PlainJson.is(bytes)) {
                yes++;
                assertTrue(jacksonTakes(bytes), doc.toString());
            }
        }
        assertTrue(yes > 1000, "only " + yes + " documents taken: the search says little");
    }

    private static boolean jacksonTakes(byte[] body) {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
