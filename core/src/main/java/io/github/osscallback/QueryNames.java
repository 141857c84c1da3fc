package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.AMBIGUOUS_PARAMETER;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Keeps the uploader-chosen query from speaking for a signed body field. Servlet parameters merge
 * query and form body with the query first, and JAX-RS runtimes fall back to the same merged view,
 * so a query {@code object=...} beside a body {@code object=...} would show the application two
 * answers to one question. A callback whose query names a body field is refused instead.
 */
final class QueryNames {

    private QueryNames() {
    }

    /**
     * @throws CallbackRejectedException {@code AMBIGUOUS_PARAMETER} if any query parameter name, as
     *         sent or as a container may decode it (UTF-8 or ISO-8859-1, {@code +} as space), is the
     *         name of a body field
     */
    static void refuseOverlap(String rawQuery, Set<String> fieldNames) throws CallbackRejectedException {
        if (rawQuery == null || rawQuery.isEmpty() || fieldNames.isEmpty()) {
            return;
        }
        int start = 0;
        while (start <= rawQuery.length()) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = rawQuery.length();
            }
            int eq = rawQuery.indexOf('=', start);
            String name = rawQuery.substring(start, eq >= 0 && eq < end ? eq : end);
            if (!name.isEmpty() && (fieldNames.contains(name)
                    || fieldNames.contains(decode(name, StandardCharsets.UTF_8))
                    || fieldNames.contains(decode(name, StandardCharsets.ISO_8859_1)))) {
                throw new CallbackRejectedException(AMBIGUOUS_PARAMETER, "query parameter '" + LogSafe.text(name)
                        + "' has the name of a signed body field; a name must come from one source only");
            }
            start = end + 1;
        }
    }

    /** Form-style decoding that keeps a malformed escape as sent, as lenient containers do. */
    private static String decode(String raw, Charset charset) {
        return new String(PercentDecoder.decode(raw, true), charset);
    }
}
