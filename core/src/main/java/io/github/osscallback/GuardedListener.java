package io.github.osscallback;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The user's {@link CallbackListener} behind a guard: whatever it throws is caught, so metrics
 * code can never fail or alter a verification, and logged once per method, so a listener that
 * always throws does not flood the log at callback rate.
 */
final class GuardedListener implements CallbackListener {

    private static final System.Logger LOG = System.getLogger(CallbackVerifier.class.getName());
    static final GuardedListener NONE = new GuardedListener(new CallbackListener() { });

    private final CallbackListener listener;
    private final AtomicBoolean acceptedFailed = new AtomicBoolean();
    private final AtomicBoolean rejectedFailed = new AtomicBoolean();
    private final AtomicBoolean eventAcceptedFailed = new AtomicBoolean();
    private final AtomicBoolean fetchedFailed = new AtomicBoolean();
    private final AtomicBoolean fetchFailedFailed = new AtomicBoolean();

    GuardedListener(CallbackListener listener) {
        this.listener = listener;
    }

    @Override
    public void accepted(OssCallback callback) {
        try {
            listener.accepted(callback);
        } catch (RuntimeException | LinkageError e) {
            failed("accepted", acceptedFailed, e);
        }
    }

    @Override
    public void eventAccepted(EventDelivery delivery) {
        try {
            listener.eventAccepted(delivery);
        } catch (RuntimeException | LinkageError e) {
            failed("eventAccepted", eventAcceptedFailed, e);
        }
    }

    @Override
    public void rejected(CallbackRejectedException.Reason reason) {
        try {
            listener.rejected(reason);
        } catch (RuntimeException | LinkageError e) {
            failed("rejected", rejectedFailed, e);
        }
    }

    @Override
    public void keyFetched(String keyUrl, Duration latency) {
        try {
            listener.keyFetched(keyUrl, latency);
        } catch (RuntimeException | LinkageError e) {
            failed("keyFetched", fetchedFailed, e);
        }
    }

    @Override
    public void keyFetchFailed(String keyUrl, Duration latency, String problem) {
        try {
            listener.keyFetchFailed(keyUrl, latency, problem);
        } catch (RuntimeException | LinkageError e) {
            failed("keyFetchFailed", fetchFailedFailed, e);
        }
    }

    private void failed(String method, AtomicBoolean logged, Throwable e) {
        if (!logged.get() && !logged.getAndSet(true)) {
            LOG.log(System.Logger.Level.ERROR, "CallbackListener " + listener.getClass().getName() + "." + method
                    + " threw; the outcome stands, and further failures of this method are not logged", e);
        }
    }
}
