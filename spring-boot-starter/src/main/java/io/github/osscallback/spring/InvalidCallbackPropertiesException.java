package io.github.osscallback.spring;

/** An {@code oss.callback.*} property is invalid: start-up fails with a message naming it (never a secret). */
final class InvalidCallbackPropertiesException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private static final String CORRECT_THE_PROPERTY = "Correct the oss.callback property named above (the"
            + " oss-callback documentation, docs/spring.md, lists them); for what the properties cannot say,"
            + " define an OssCallbackVerifierCustomizer bean.";

    /** What to do about it, for Boot's start-up report. */
    private final String action;

    InvalidCallbackPropertiesException(String message, Throwable cause) {
        this(message, CORRECT_THE_PROPERTY, cause);
    }

    InvalidCallbackPropertiesException(String message, String action, Throwable cause) {
        super("OSS callback configuration is invalid: " + message, cause);
        this.action = action;
    }

    String action() {
        return action;
    }
}
