package io.github.osscallback.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A PostObject request body, {@code multipart/form-data}: the text fields in order and the
 * {@code file} field, which OSS requires to be the last (fields after it are ignored).
 * Field names are matched without regard to case, as OSS matches them.
 */
final class PostObjectForm {

    /** The text fields by name as posted. */
    final Map<String, String> fields;
    final byte[] file;
    final String fileName;
    final String fileContentType;

    private PostObjectForm(Map<String, String> fields, byte[] file, String fileName, String fileContentType) {
        this.fields = fields;
        this.file = file;
        this.fileName = fileName;
        this.fileContentType = fileContentType;
    }

    /** A field by case-insensitive name, or null. */
    String field(String name) {
        for (Map.Entry<String, String> field : fields.entrySet()) {
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue();
            }
        }
        return null;
    }

    static PostObjectForm parse(String contentType, byte[] body) throws OssRefusal {
        String boundary = boundary(contentType);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        Map<String, String> fields = new LinkedHashMap<>();
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw malformed("no part starts with the boundary");
        }
        while (true) {
            int partStart = at + delimiter.length;
            if (partStart + 1 < body.length && body[partStart] == '-' && body[partStart + 1] == '-') {
                break;
            }
            partStart = skipLineBreak(body, partStart);
            int headEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), partStart);
            if (headEnd < 0) {
                throw malformed("a part has no header end");
            }
            String head = new String(body, partStart, headEnd - partStart, StandardCharsets.UTF_8);
            int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1), headEnd + 4);
            if (next < 0) {
                throw malformed("a part is not closed by the boundary");
            }
            byte[] content = Arrays.copyOfRange(body, headEnd + 4, next);
            String disposition = header(head, "content-disposition");
            String name = disposition == null ? null : parameter(disposition, "name");
            if (name == null) {
                throw malformed("a part has no form-data name");
            }
            if (name.equalsIgnoreCase("file")) {
                return new PostObjectForm(fields, content, parameter(disposition, "filename"),
                        header(head, "content-type"));
            }
            fields.put(name, new String(content, StandardCharsets.UTF_8));
            at = next + 2;
        }
        throw new OssRefusal(400, "InvalidArgument", "The body of your POST request is not well-formed "
                + "multipart/form-data: it has no file field.");
    }

    private static OssRefusal malformed(String what) {
        return new OssRefusal(400, "MalformedPOSTRequest",
                "The body of your POST request is not well-formed multipart/form-data: " + what + ".");
    }

    private static String boundary(String contentType) throws OssRefusal {
        String boundary = parameter(contentType, "boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw malformed("the Content-Type names no boundary");
        }
        return boundary;
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** A parameter of a header value such as {@code form-data; name="key"}, unquoted. */
    private static String parameter(String value, String name) {
        for (String piece : value.split(";")) {
            String p = piece.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals(name)) {
                String v = p.substring(eq + 1).trim();
                return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    private static int skipLineBreak(byte[] body, int at) {
        if (at + 1 < body.length && body[at] == '\r' && body[at + 1] == '\n') {
            return at + 2;
        }
        return at < body.length && body[at] == '\n' ? at + 1 : at;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
