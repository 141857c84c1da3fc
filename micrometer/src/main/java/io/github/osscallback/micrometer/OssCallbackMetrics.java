package io.github.osscallback.micrometer;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.OssCallback;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Micrometer meters for callbacks and key fetches, as a {@link CallbackListener} for
 * {@code CallbackVerifier.Builder.listener}:
 *
 * <ul>
 *   <li>{@value #REQUESTS}: counter; tags {@code outcome} ({@code accepted} or {@code rejected})
 *       and {@code reason} (the rejection's {@link CallbackRejectedException.Reason#code() code},
 *       or {@value #NONE} when accepted);</li>
 *   <li>{@value #KEY_FETCH}: timer of the fetches that reached the key host; tag {@code outcome}
 *       ({@code success} or {@code failure}).</li>
 * </ul>
 *
 * Every tag value comes from a fixed set, never from the request or the key URL an uploader or
 * attacker chose, so the number of series is fixed. All series are registered by {@link #bind},
 * so a dashboard shows a rejection reason at 0 before the first one.
 */
public final class OssCallbackMetrics implements CallbackListener {

    /** The counter of callback requests. */
    public static final String REQUESTS = "oss.callback.requests";
    /** The timer of key fetches. */
    public static final String KEY_FETCH = "oss.callback.key.fetch";
    /** The {@code reason} tag of accepted callbacks. */
    public static final String NONE = "none";

    private final Counter accepted;
    private final Map<CallbackRejectedException.Reason, Counter> rejected =
            new EnumMap<>(CallbackRejectedException.Reason.class);
    private final Timer fetched;
    private final Timer fetchFailed;

    private OssCallbackMetrics(MeterRegistry registry) {
        accepted = requests(registry, "accepted", NONE);
        for (CallbackRejectedException.Reason reason : CallbackRejectedException.Reason.values()) {
            rejected.put(reason, requests(registry, "rejected", reason.code()));
        }
        fetched = keyFetches(registry, "success");
        fetchFailed = keyFetches(registry, "failure");
    }

    /**
     * Registers every series in the registry and returns the listener that counts into them.
     * Binding twice to one registry shares the meters (Micrometer returns the registered ones).
     */
    public static OssCallbackMetrics bind(MeterRegistry registry) {
        return new OssCallbackMetrics(Objects.requireNonNull(registry, "registry"));
    }

    private static Counter requests(MeterRegistry registry, String outcome, String reason) {
        return Counter.builder(REQUESTS)
                .description("OSS callback requests by outcome and rejection reason code")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .register(registry);
    }

    private static Timer keyFetches(MeterRegistry registry, String outcome) {
        return Timer.builder(KEY_FETCH)
                .description("Public key fetches from the key host that reached it, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    @Override
    public void accepted(OssCallback callback) {
        accepted.increment();
    }

    @Override
    public void rejected(CallbackRejectedException.Reason reason) {
        rejected.get(reason).increment();
    }

    @Override
    public void keyFetched(String keyUrl, Duration latency) {
        fetched.record(latency);
    }

    @Override
    public void keyFetchFailed(String keyUrl, Duration latency, String problem) {
        fetchFailed.record(latency);
    }

    @Override
    public String toString() {
        return "OssCallbackMetrics[" + REQUESTS + ", " + KEY_FETCH + "]";
    }
}
