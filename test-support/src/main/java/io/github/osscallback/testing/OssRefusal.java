package io.github.osscallback.testing;

/** A request the stand-in refuses as OSS would: a status and OSS's error code and message, sent as OSS's XML error. */
final class OssRefusal extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final String code;

    OssRefusal(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }
}
