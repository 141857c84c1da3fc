package io.github.osscallback.internal;

/** Makes attacker-supplied text safe to put in one log line: printable ASCII, bounded length. */
public final class LogSafe {

    private static final int MAX_LENGTH = 200;

    private LogSafe() {
    }

    /**
     * A raw query with every value replaced by {@code …}: the query is chosen by the uploader and
     * may carry tokens or personal data, while its parameter names are what an operator needs.
     */
    public static String queryNames(String rawQuery) {
        StringBuilder names = new StringBuilder();
        for (String pair : rawQuery.split("&", -1)) {
            if (names.length() > 0) {
                names.append('&');
            }
            int eq = pair.indexOf('=');
            // A part without '=' may be a bare value (a token, say) rather than a name: hidden too.
            names.append(eq < 0 ? (pair.isEmpty() ? "" : "...") : pair.substring(0, eq) + "=...");
        }
        return text(names.toString());
    }

    public static String text(String s) {
        if (s == null) {
            return "null";
        }
        int n = Math.min(s.length(), MAX_LENGTH);
        StringBuilder out = new StringBuilder(n + 3);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (s.length() > MAX_LENGTH) {
            out.append("...");
        }
        return out.toString();
    }
}
