package io.github.osscallback;

/** Makes attacker-supplied text safe to put in one log line: printable ASCII, bounded length. */
final class LogSafe {

    private static final int MAX_LENGTH = 200;

    private LogSafe() {
    }

    static String text(String s) {
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
