package io.github.osscallback.internal;

/**
 * Reads the JSON body most templates produce without a parser: one flat object whose names and
 * string values are printable ASCII without escapes, and whose other values are plain integers,
 * {@code true} or {@code false}. That is a strict subset of JSON that Jackson reads the same way
 * and within its limits, so the fields are exactly those of the Jackson path; anything else
 * (escapes, non-ASCII, nesting, null, fractions, {@code -0}, repeated names, a byte order mark)
 * gives null and Jackson reads the body. Creating a Jackson parser alone costs more than this
 * whole pass over a typical 1 KiB callback.
 */
public final class PlainJsonObject {

    /** Below Jackson's smallest name limit (50,000 in 2.16 and later). */
    private static final int MAX_NAME_LENGTH = 50_000;
    /** Below Jackson's smallest string limit (5,000,000 in 2.15.0). */
    private static final int MAX_BODY_LENGTH = 5_000_000;
    /** Digits that always fit a long, so the literal is what Jackson would print. */
    private static final int MAX_DIGITS = 18;

    private PlainJsonObject() {
    }

    /** The fields, or null when the body is not of the plain shape. */
    public static FieldMap read(byte[] body) {
        int n = body.length;
        if (n > MAX_BODY_LENGTH) {
            return null;
        }
        int i = skipSpace(body, 0);
        if (i >= n || body[i] != '{') {
            return null;
        }
        i = skipSpace(body, i + 1);
        FieldMap.Builder fields = FieldMap.builder(BodyParser.expectedFields(body));
        if (i < n && body[i] == '}') {
            return skipSpace(body, i + 1) == n ? fields.build() : null;
        }
        while (i < n && body[i] == '"') {
            // The name's String.hashCode as it is scanned, so that it need not become a string.
            int hash = 0;
            int nameEnd = i + 1;
            for (; nameEnd < n; nameEnd++) {
                byte b = body[nameEnd];
                if (b == '"') {
                    break;
                }
                // Negative bytes are non-ASCII; backslashes start escapes; controls are invalid JSON.
                if (b < 0x20 || b == '\\') {
                    return null;
                }
                hash = 31 * hash + b;
            }
            if (nameEnd == n || nameEnd - i - 1 > MAX_NAME_LENGTH) {
                return null;
            }
            fields.name(body, i + 1, nameEnd, hash, false);
            i = skipSpace(body, nameEnd + 1);
            if (i >= n || body[i] != ':') {
                return null;
            }
            i = skipSpace(body, i + 1);
            int end = valueEnd(body, i);
            if (end < 0) {
                return null;
            }
            boolean quoted = body[i] == '"';
            if (!fields.addValueSlice(body, quoted ? i + 1 : i, quoted ? end - 1 : end, false)) {
                return null;
            }
            i = skipSpace(body, end);
            if (i >= n) {
                return null;
            }
            if (body[i] == '}') {
                return skipSpace(body, i + 1) == n ? fields.build() : null;
            }
            if (body[i] != ',') {
                return null;
            }
            i = skipSpace(body, i + 1);
        }
        return null;
    }

    /** The index just past a plain value starting at {@code from}, or -1; a delimiter must follow. */
    private static int valueEnd(byte[] body, int from) {
        if (from >= body.length) {
            return -1;
        }
        byte b = body[from];
        int end;
        if (b == '"') {
            end = stringEnd(body, from + 1);
            end = end < 0 ? -1 : end + 1;
        } else if (b == 't') {
            end = literalEnd(body, from, "true");
        } else if (b == 'f') {
            end = literalEnd(body, from, "false");
        } else {
            end = integerEnd(body, from);
        }
        if (end < 0 || end == body.length) {
            return end;
        }
        byte next = body[end];
        return next == ',' || next == '}' || isSpace(next) ? end : -1;
    }

    /** The index of the closing quote of a string whose text starts at {@code from}, or -1 if not plain. */
    private static int stringEnd(byte[] body, int from) {
        int i = BodyParser.jsonStringStop(body, from);
        return i < body.length && body[i] == '"' ? i : -1;
    }

    private static int literalEnd(byte[] body, int from, String literal) {
        if (from + literal.length() > body.length) {
            return -1;
        }
        for (int k = 0; k < literal.length(); k++) {
            if (body[from + k] != literal.charAt(k)) {
                return -1;
            }
        }
        return from + literal.length();
    }

    /** Canonical integers only: no leading zero, no {@code -0}, at most 18 digits. */
    private static int integerEnd(byte[] body, int from) {
        int i = from;
        if (i < body.length && body[i] == '-') {
            i++;
        }
        int digitsFrom = i;
        while (i < body.length && body[i] >= '0' && body[i] <= '9') {
            i++;
        }
        int digits = i - digitsFrom;
        if (digits == 0 || digits > MAX_DIGITS || (body[digitsFrom] == '0' && (digits > 1 || digitsFrom > from))) {
            return -1;
        }
        return i;
    }

    private static int skipSpace(byte[] body, int from) {
        int i = from;
        while (i < body.length && isSpace(body[i])) {
            i++;
        }
        return i;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
