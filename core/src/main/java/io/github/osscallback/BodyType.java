package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_CONTENT_TYPE;

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
     * includes {@code application/*+json}; parameters such as a charset are ignored. OSS sends
     * only these two, so any other type did not come from OSS unaltered and is refused.
     *
     * @throws CallbackRejectedException {@code UNSUPPORTED_CONTENT_TYPE} for any other type
     */
    static BodyType ofContentType(String contentType) throws CallbackRejectedException {
        if (contentType == null || contentType.isBlank()) {
            return FORM;
        }
        int semicolon = contentType.indexOf(';');
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
}
