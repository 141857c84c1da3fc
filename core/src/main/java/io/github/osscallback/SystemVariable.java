package io.github.osscallback;


/**
 * The system variables OSS substitutes into a callback body template. The body field that carries
 * each one is the template author's choice; by default it is the variable's own name
 * ({@code bucket=${bucket}}), and {@link CallbackVerifier.Builder#bodyField} maps others
 * ({@code filename=${object}}).
 */
public enum SystemVariable {
    BUCKET("bucket"),
    OBJECT("object"),
    ETAG("etag"),
    SIZE("size"),
    MIME_TYPE("mimeType"),
    IMAGE_HEIGHT("imageInfo.height"),
    IMAGE_WIDTH("imageInfo.width"),
    IMAGE_FORMAT("imageInfo.format"),
    CRC64("crc64"),
    CONTENT_MD5("contentMd5"),
    VPC_ID("vpcId"),
    CLIENT_IP("clientIp"),
    REQ_ID("reqId"),
    OPERATION("operation");

    private final String variableName;

    SystemVariable(String variableName) {
        this.variableName = variableName;
    }

    /** The name OSS uses, e.g. {@code imageInfo.height}; also the default body field name. */
    public String variableName() {
        return variableName;
    }

    /** The variable OSS calls {@code name} (e.g. {@code imageInfo.height}), or null if there is none. */
    public static SystemVariable named(String name) {
        for (SystemVariable v : values()) {
            if (v.variableName.equals(name)) {
                return v;
            }
        }
        return null;
    }

    /**
     * Whether OSS substitutes a whole number: {@code size} and the image dimensions, which it
     * inserts bare into JSON bodies (strings are inserted quoted) and the typed accessors read
     * as numbers.
     */
    public boolean isNumber() {
        return this == SIZE || this == IMAGE_HEIGHT || this == IMAGE_WIDTH;
    }

    /** The template placeholder, e.g. {@code ${object}}. */
    public String placeholder() {
        return placeholderFor(variableName);
    }

    /** The placeholder for any variable name, system or custom: {@code ${x:upload_token}} for {@code x:upload_token}. */
    public static String placeholderFor(String name) {
        return "${" + name + "}";
    }
}
