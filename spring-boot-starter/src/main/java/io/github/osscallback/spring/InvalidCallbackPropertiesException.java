package io.github.osscallback.spring;

/** An {@code oss.callback.*} property is invalid: start-up fails with a message naming it (never a secret). */
final class InvalidCallbackPropertiesException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    InvalidCallbackPropertiesException(String message, Throwable cause) {
        super("OSS callback configuration is invalid: " + message, cause);
    }
}
