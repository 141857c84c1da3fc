package io.github.osscallback.spi;

/**
 * A quick yes for the replies handlers write, before {@link ReplyCheck} asks Jackson: whether the
 * bytes are, beyond doubt, one JSON value that Jackson (with its default features and limits)
 * reads as one. Only a strict subset says yes: printable ASCII in strings, standard escapes,
 * standard numbers, at most {@value #MAX_DEPTH} levels, names of at most {@value #MAX_NAME}
 * bytes and numbers of at most {@value #MAX_NUMBER}. Anything else, valid or not, is "not sure"
 * and left to Jackson, so the verdict and its wording are Jackson's whenever this is unsure.
 */
final class PlainJson {

    /** Far below Jackson's default nesting limit (1000). */
    static final int MAX_DEPTH = 64;
    /** Far below Jackson's default name limit (50,000 characters). */
    static final int MAX_NAME = 1000;
    /** Far below Jackson's default number limit (1000 characters). */
    static final int MAX_NUMBER = 100;

    private static final int UNSURE = -1;

    private PlainJson() {
    }

    /** True only when the bytes are certainly one JSON value with nothing but whitespace around it. */
    static boolean is(byte[] b) {
        int end = value(b, space(b, 0), 0);
        return end != UNSURE && space(b, end) == b.length;
    }

    private static int space(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** The index after the value starting at {@code i}, or {@link #UNSURE}. */
    private static int value(byte[] b, int i, int depth) {
        if (i >= b.length) {
            return UNSURE;
        }
        switch (b[i]) {
            case '{':
                return depth >= MAX_DEPTH ? UNSURE : object(b, space(b, i + 1), depth + 1);
            case '[':
                return depth >= MAX_DEPTH ? UNSURE : array(b, space(b, i + 1), depth + 1);
            case '"':
                return string(b, i + 1, b.length);
            case 't':
                return literal(b, i, "true");
            case 'f':
                return literal(b, i, "false");
            case 'n':
                return literal(b, i, "null");
            default:
                return number(b, i);
        }
    }

    private static int object(byte[] b, int i, int depth) {
        if (i < b.length && b[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= b.length || b[i] != '"') {
                return UNSURE;
            }
            i = string(b, i + 1, MAX_NAME);
            if (i == UNSURE) {
                return UNSURE;
            }
            i = space(b, i);
            if (i >= b.length || b[i] != ':') {
                return UNSURE;
            }
            i = value(b, space(b, i + 1), depth);
            if (i == UNSURE) {
                return UNSURE;
            }
            i = space(b, i);
            if (i >= b.length) {
                return UNSURE;
            }
            if (b[i] == '}') {
                return i + 1;
            }
            if (b[i] != ',') {
                return UNSURE;
            }
            i = space(b, i + 1);
        }
    }

    private static int array(byte[] b, int i, int depth) {
        if (i < b.length && b[i] == ']') {
            return i + 1;
        }
        while (true) {
            i = value(b, i, depth);
            if (i == UNSURE) {
                return UNSURE;
            }
            i = space(b, i);
            if (i >= b.length) {
                return UNSURE;
            }
            if (b[i] == ']') {
                return i + 1;
            }
            if (b[i] != ',') {
                return UNSURE;
            }
            i = space(b, i + 1);
        }
    }

    /** The index after the closing quote of a string whose content starts at {@code i}, at most {@code maxBytes} long. */
    private static int string(byte[] b, int i, int maxBytes) {
        int end = maxBytes >= b.length - i ? b.length : i + maxBytes;
        while (i < end) {
            int c = b[i];
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= b.length) {
                    return UNSURE;
                }
                int e = b[i + 1];
                if (e == 'u') {
                    if (i + 5 >= b.length || !hex(b[i + 2]) || !hex(b[i + 3]) || !hex(b[i + 4]) || !hex(b[i + 5])) {
                        return UNSURE;
                    }
                    i += 6;
                } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r'
                        || e == 't') {
                    i += 2;
                } else {
                    return UNSURE;
                }
            } else if (c < 0x20 || c > 0x7e) {
                // Control characters are Jackson's to refuse; other bytes (UTF-8, DEL) its to judge.
                return UNSURE;
            } else {
                i++;
            }
        }
        return UNSURE;
    }

    private static boolean hex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** The literal's end; what follows it is the caller's to check (a separator, a bracket, or the end). */
    private static int literal(byte[] b, int i, String word) {
        if (b.length - i < word.length()) {
            return UNSURE;
        }
        for (int k = 0; k < word.length(); k++) {
            if (b[i + k] != word.charAt(k)) {
                return UNSURE;
            }
        }
        return i + word.length();
    }

    /** {@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?}; what follows is the caller's to check. */
    private static int number(byte[] b, int i) {
        int start = i;
        if (i < b.length && b[i] == '-') {
            i++;
        }
        if (i >= b.length) {
            return UNSURE;
        }
        if (b[i] == '0') {
            i++;
        } else if (b[i] >= '1' && b[i] <= '9') {
            i = digits(b, i);
        } else {
            return UNSURE;
        }
        if (i < b.length && b[i] == '.') {
            int fraction = i + 1;
            i = digits(b, fraction);
            if (i == fraction) {
                return UNSURE;
            }
        }
        if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < b.length && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int exponent = i;
            i = digits(b, exponent);
            if (i == exponent) {
                return UNSURE;
            }
        }
        return i - start > MAX_NUMBER ? UNSURE : i;
    }

    private static int digits(byte[] b, int i) {
        while (i < b.length && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }
}
