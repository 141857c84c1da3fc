package io.github.osscallback.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.github.osscallback.CallbackReply;
import java.io.IOException;
import java.util.Locale;

/**
 * Whether OSS would take a reply: it fails the callback when the body is not JSON (it names
 * "Response body is not valid json format") or is over 1 MB. Only the framing is an adapter's
 * to fix; this says what it cannot fix, for a log line ({@link CallbackEndpoint#checkReply}).
 */
final class ReplyCheck {

    private static final JsonFactory JSON = new JsonFactory();

    private ReplyCheck() {
    }

    /** What is wrong with a reply, or null. */
    static String problem(String contentType, byte[] body) {
        if (body.length > CallbackReply.MAX_BODY_BYTES) {
            return "is " + body.length + " bytes, over OSS's limit";
        }
        if (body.length == 0) {
            return "is empty";
        }
        if (!isJsonType(contentType)) {
            return contentType == null ? "has no Content-Type" : "has Content-Type '" + printable(contentType)
                    + "', not application/json";
        }
        String notJson = notJson(body);
        return notJson == null ? null : "is not JSON (" + notJson + ")";
    }

    private static boolean isJsonType(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
                .toLowerCase(Locale.ROOT);
        return media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"));
    }

    /** Why the bytes are not one JSON value (UTF-8, as OSS reads them), or null if they are. */
    private static String notJson(byte[] body) {
        if (PlainJson.is(body)) {
            // Every reply passes here: a parser per reply costs more than the rest of the framing.
            return null;
        }
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() == null) {
                return "no value";
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return "more than one value";
            }
            return null;
        } catch (JsonProcessingException e) {
            // Jackson's message quotes the reply, which may hold what the uploader sent: the offset only.
            return e.getLocation() == null ? "does not parse" : "does not parse at byte " + e.getLocation().getByteOffset();
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }

    /** Text for one log line: printable ASCII, bounded; the reply may hold what the uploader sent. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 120; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
