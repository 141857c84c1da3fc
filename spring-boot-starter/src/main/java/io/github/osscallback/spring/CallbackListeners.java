package io.github.osscallback.spring;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.OssCallback;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The application's {@link CallbackListener} beans (the starter's meters among them) as the one
 * listener a verifier takes. Each hears every event even when an earlier one throws; the first
 * exception is then rethrown, for the verifier to log as it logs a failing listener.
 */
final class CallbackListeners implements CallbackListener {

    private final List<CallbackListener> listeners;

    private CallbackListeners(List<CallbackListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** One listener for these, or null when there are none (the verifier then has no listener). */
    static CallbackListener of(List<CallbackListener> listeners) {
        if (listeners.isEmpty()) {
            return null;
        }
        return listeners.size() == 1 ? listeners.get(0) : new CallbackListeners(listeners);
    }

    @Override
    public void accepted(OssCallback callback) {
        each(listener -> listener.accepted(callback));
    }

    @Override
    public void rejected(CallbackRejectedException.Reason reason) {
        each(listener -> listener.rejected(reason));
    }

    @Override
    public void keyFetched(String keyUrl, Duration latency) {
        each(listener -> listener.keyFetched(keyUrl, latency));
    }

    @Override
    public void keyFetchFailed(String keyUrl, Duration latency, String problem) {
        each(listener -> listener.keyFetchFailed(keyUrl, latency, problem));
    }

    private void each(Consumer<CallbackListener> event) {
        RuntimeException runtimeFailure = null;
        Error linkageFailure = null;
        for (CallbackListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                runtimeFailure = runtimeFailure == null ? e : runtimeFailure;
            } catch (LinkageError e) {
                linkageFailure = linkageFailure == null ? e : linkageFailure;
            }
        }
        if (runtimeFailure != null) {
            throw runtimeFailure;
        }
        if (linkageFailure != null) {
            throw linkageFailure;
        }
    }

    @Override
    public String toString() {
        return "CallbackListeners" + listeners;
    }
}
