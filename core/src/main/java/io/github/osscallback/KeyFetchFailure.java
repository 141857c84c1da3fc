package io.github.osscallback;

import java.net.URI;
import java.util.concurrent.CompletionException;

/**
 * Why a key fetch produced no key, as it travels through the fetch futures from
 * {@link RemoteKeySource} via {@link KeyFetchLimiter} to {@link CachingKeySource}. Only the
 * rejection reaches callers; the kind decides what is remembered and what is logged.
 */
final class KeyFetchFailure extends CompletionException {

    private static final long serialVersionUID = 1L;

    /** What happened to the fetch. */
    enum Kind {
        /** Refused before any network use (fetch cap reached, key host in back-off): nothing to remember. */
        NOT_ATTEMPTED,
        /** The key host answered, but not with a usable key for this URL. */
        KEY_REFUSED,
        /** The key host did not answer in time, could not be reached, or answered 5xx. */
        HOST_FAILED
    }

    private final transient CallbackRejectedException rejection;
    private final Kind kind;

    KeyFetchFailure(Kind kind, CallbackRejectedException rejection) {
        super(rejection.getMessage(), rejection);
        this.kind = kind;
        this.rejection = rejection;
    }

    Kind kind() {
        return kind;
    }

    CallbackRejectedException rejection() {
        return rejection;
    }

    /** The failure carried by a failed fetch future; anything unexpected counts as a host failure. */
    static KeyFetchFailure of(URI uri, Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof KeyFetchFailure) {
            return (KeyFetchFailure) cause;
        }
        if (cause instanceof CallbackRejectedException) {
            CallbackRejectedException rejection = (CallbackRejectedException) cause;
            boolean unavailable = rejection.reason() == CallbackRejectedException.Reason.KEY_UNAVAILABLE;
            return new KeyFetchFailure(unavailable ? Kind.HOST_FAILED : Kind.KEY_REFUSED, rejection);
        }
        return new KeyFetchFailure(Kind.HOST_FAILED, new CallbackRejectedException(
                CallbackRejectedException.Reason.KEY_UNAVAILABLE,
                "key fetch from " + uri + " failed: " + cause.getClass().getSimpleName(), cause));
    }

    /**
     * The one rule for reading a failed future: strip the {@link CompletionException}s that
     * stages wrap around a failure, but keep a {@code KeyFetchFailure}, which is one on purpose.
     */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (!(cause instanceof KeyFetchFailure) && cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a control-flow value, never logged with a trace
    }
}
