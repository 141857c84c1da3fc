package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_CONTENT_TYPE;

import io.github.osscallback.internal.LogSafe;
import java.util.Locale;

/**
 * The body types OSS can send, as an upload names them in {@code callbackBodyType} and a callback
 * states them in its Content-Type. The one rule for which type a callback's body is:
 * {@link #ofContentType(String)}.
 */
public enum BodyType {
    /** {@code application/x-www-form-urlencoded}, OSS's default. */
    FORM("application/x-www-form-urlencoded"),
    /**
     * {@code application/json}. Write every placeholder unquoted, as a whole JSON value
     * ({@code {"object":${object},"size":${size}}}): OSS inserts string variables as quoted
     * JSON strings and numbers bare, so a quoted placeholder renders as invalid JSON.
     */
    JSON("application/json");

    private final String mediaType;

    BodyType(String mediaType) {
        this.mediaType = mediaType;
    }

    /** The media type as OSS names it in {@code callbackBodyType}. */
    public String mediaType() {
        return mediaType;
    }

    /**
     * The body type a callback's Content-Type states: none at all is OSS's default, form; JSON
     * includes {@code application/*+json}. OSS sends only these two, in UTF-8, so any other type
     * did not come from OSS unaltered and is refused. So is a charset other than UTF-8: the
     * Content-Type is not signed, the verifier reads the body as UTF-8, and a container or JAX-RS
     * runtime decoding the same bytes by another charset would show the application other values.
     *
     * @throws CallbackRejectedException {@code UNSUPPORTED_CONTENT_TYPE} for any other type or charset
     */
    static BodyType ofContentType(String contentType) throws CallbackRejectedException {
        if (contentType == null || contentType.isBlank()) {
            return FORM;
        }
        // What OSS sends, recognised without taking the header apart.
        if (contentType.equalsIgnoreCase(FORM.mediaType)) {
            return FORM;
        }
        if (contentType.equalsIgnoreCase(JSON.mediaType)) {
            return JSON;
        }
        int semicolon = contentType.indexOf(';');
        if (semicolon >= 0) {
            refuseCharsetOtherThanUtf8(contentType.substring(semicolon + 1));
        }
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        if (media.equals("application/x-www-form-urlencoded")) {
            return FORM;
        }
        if (media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"))) {
            return JSON;
        }
        throw new CallbackRejectedException(UNSUPPORTED_CONTENT_TYPE, "content type '" + LogSafe.text(media)
                + "' is neither application/x-www-form-urlencoded nor application/json");
    }

    private static void refuseCharsetOtherThanUtf8(String parameters) throws CallbackRejectedException {
        for (String parameter : parameters.split(";")) {
            int eq = parameter.indexOf('=');
            if (eq < 0 || !parameter.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                continue;
            }
            String charset = parameter.substring(eq + 1).trim();
            if (charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")) {
                charset = charset.substring(1, charset.length() - 1).trim();
            }
            if (!charset.equalsIgnoreCase("utf-8") && !charset.equalsIgnoreCase("utf8")) {
                throw new CallbackRejectedException(UNSUPPORTED_CONTENT_TYPE, "content type names charset '"
                        + LogSafe.text(charset) + "'; OSS sends callbacks in UTF-8, and the body is read as UTF-8 only");
            }
        }
    }
}
