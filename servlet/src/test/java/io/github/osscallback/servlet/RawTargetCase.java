package io.github.osscallback.servlet;

import java.util.ArrayList;
import java.util.List;

/**
 * One character or escape placed into the request target, in the path or in the query, as a
 * callback URL could hold it. The characters around it ({@code a} before, {@code z} after) keep a
 * trailing {@code %} or {@code %4} from forming a valid escape with what follows. The same cases
 * as the JAX-RS module's, so both adapters face one matrix.
 */
record RawTargetCase(String label, String insert, boolean inPath) {

    /**
     * Path escapes whose decoded byte is {@code ?}, {@code #} or a control character: core refuses
     * such a path with 400 (it could not have been signed as meant), so 400 is as right as 200.
     */
    static final List<String> REFUSABLE_PATH_ESCAPES = List.of(
            "%3F", "%3f", "%23", "%00", "%01", "%09", "%0A", "%0a", "%0D", "%1F", "%7F");

    private static final List<String> ESCAPES = List.of(
            "%41", "%7e", "%7E", "%20", "%2B", "%2F", "%2f", "%25", "%2525", "%5C", "%2E", "%3B", "%26", "%3D",
            "%E4%B8%AD", "%C3%A9", "%FF", "%C3", "%zz", "%", "%4", "%%", "%G1");

    private static final List<String> RAW_UTF8 = List.of("\u00e9", "\u4e2d", "\uD83D\uDE00");

    /** The path sent, below the application's callback prefix (which ends without a slash). */
    String path(String prefix) {
        return inPath ? prefix + "/a" + insert + "z" : prefix + "/q";
    }

    /** The raw query sent, or null. */
    String query() {
        return inPath ? null : "k=a" + insert + "z";
    }

    /** Whether a 400 from our filter is an accepted outcome (core refuses the decoded path). */
    boolean mayBeRefusedByUs() {
        return inPath && REFUSABLE_PATH_ESCAPES.contains(insert);
    }

    /**
     * Whether the target holds a raw space, which ends the request target in HTTP: a container
     * either refuses it or splits the request line there and passes on less than was signed.
     */
    boolean breaksRequestLine() {
        return insert.contains(" ");
    }

    @Override
    public String toString() {
        return (inPath ? "path " : "query ") + label;
    }

    /**
     * Every printable ASCII character and space, the escapes, the control-character escapes and
     * raw UTF-8, each in the path and in the query. Left out: a raw {@code #}, which starts a
     * fragment that HTTP clients (OSS's too) never send, and a raw {@code ?} in the path, which
     * is where the query starts (so it is the query cases).
     */
    static List<RawTargetCase> all() {
        List<RawTargetCase> cases = new ArrayList<>();
        for (boolean inPath : new boolean[] {true, false}) {
            cases.add(new RawTargetCase("space", " ", inPath));
            for (char c = 0x21; c <= 0x7e; c++) {
                if (c == '#' || (inPath && c == '?')) {
                    continue;
                }
                cases.add(new RawTargetCase("'" + c + "' 0x" + Integer.toHexString(c), String.valueOf(c), inPath));
            }
            for (String escape : ESCAPES) {
                cases.add(new RawTargetCase("escape " + escape, escape, inPath));
            }
            for (String escape : REFUSABLE_PATH_ESCAPES) {
                cases.add(new RawTargetCase("escape " + escape, escape, inPath));
            }
            for (String raw : RAW_UTF8) {
                cases.add(new RawTargetCase("raw UTF-8 " + raw + " U+" + Integer.toHexString(raw.codePointAt(0)),
                        raw, inPath));
            }
        }
        return cases;
    }
}
