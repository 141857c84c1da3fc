package io.github.osscallback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link CallbackListener#all}: every listener behind its own guard, so metrics that throw do not
 * keep health checks (or another registry) from hearing the event.
 */
final class AllListeners implements CallbackListener {

    private final List<CallbackListener> listeners;
    private final String names;

    AllListeners(List<? extends CallbackListener> listeners) {
        List<CallbackListener> guarded = new ArrayList<>(listeners.size());
        List<String> names = new ArrayList<>(listeners.size());
        for (CallbackListener listener : listeners) {
            Objects.requireNonNull(listener, "listener");
            guarded.add(listener instanceof GuardedListener || listener instanceof AllListeners
                    ? listener : new GuardedListener(listener));
            names.add(listener.toString());
        }
        this.listeners = List.copyOf(guarded);
        this.names = names.toString();
    }

    @Override
    public void accepted(OssCallback callback) {
        for (CallbackListener listener : listeners) {
            listener.accepted(callback);
        }
    }

    @Override
    public void eventAccepted(EventDelivery delivery) {
        for (CallbackListener listener : listeners) {
            listener.eventAccepted(delivery);
        }
    }

    @Override
    public void rejected(CallbackRejectedException.Reason reason) {
        for (CallbackListener listener : listeners) {
            listener.rejected(reason);
        }
    }

    @Override
    public void keyFetched(String keyUrl, Duration latency) {
        for (CallbackListener listener : listeners) {
            listener.keyFetched(keyUrl, latency);
        }
    }

    @Override
    public void keyFetchFailed(String keyUrl, Duration latency, String problem) {
        for (CallbackListener listener : listeners) {
            listener.keyFetchFailed(keyUrl, latency, problem);
        }
    }

    @Override
    public String toString() {
        return "CallbackListener.all" + names;
    }
}
