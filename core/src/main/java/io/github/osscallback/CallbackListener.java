package io.github.osscallback;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Hears what a {@link CallbackVerifier} decides and fetches, for metrics and health checks
 * (Micrometer, Actuator) without the core depending on them. Every method is a no-op by default;
 * override the ones you need.
 *
 * <p>Methods run on the thread that verifies or fetches, inside the callback's 5-second budget, so
 * they must be cheap and must not block. A listener that throws does not change any outcome: the
 * exception is caught and logged (once per method and verifier). A verifier takes one listener;
 * {@link #all} makes one of several.
 */
public interface CallbackListener {

    /**
     * One listener telling each of these, in order, of every event. Each is guarded on its own:
     * one that throws is logged (once per method) and does not keep the ones after it from
     * hearing the event; the combined listener never throws.
     */
    static CallbackListener all(CallbackListener... listeners) {
        return all(Arrays.asList(listeners));
    }

    /** {@link #all(CallbackListener...)} for a list (e.g. a framework's listener beans, in their order); may be empty. */
    static CallbackListener all(List<? extends CallbackListener> listeners) {
        return new AllListeners(listeners);
    }

    /** A callback was verified and is handed to the application. */
    default void accepted(OssCallback callback) {
    }

    /** An MNS or EventBridge event delivery was verified by an {@link EventVerifier} and is handed to the application. */
    default void eventAccepted(EventDelivery delivery) {
    }

    /**
     * A request was rejected; called once per rejected request, whether the verifier, the body
     * limit or an adapter's request check (method, body read) refused it. A callback the
     * application refuses after it was verified (a handler throwing, e.g. from
     * {@link OssCallback#bind}) was {@link #accepted} here.
     */
    default void rejected(CallbackRejectedException.Reason reason) {
    }

    /**
     * A key was fetched from its key host.
     *
     * @param keyUrl the URL fetched
     * @param latency from the start of the fetch to the key, by the verifier's clock
     */
    default void keyFetched(String keyUrl, Duration latency) {
    }

    /**
     * A key fetch reached out to the key host and produced no key (no answer in time, unreachable,
     * an error status, not a usable key). Fetches refused before any network use (the fetch cap,
     * a back-off, a closed verifier) are not reported here; their requests are {@link #rejected}.
     *
     * @param keyUrl the URL fetched
     * @param latency from the start of the fetch to the failure, by the verifier's clock
     * @param problem a short description, safe to log: no signature, body or secret
     */
    default void keyFetchFailed(String keyUrl, Duration latency, String problem) {
    }
}
