package io.github.osscallback.spring;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.OssCallback;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Micrometer meters for callbacks and key fetches. Every tag value comes from a fixed set (the
 * outcome, and the {@link CallbackRejectedException.Reason} codes), never from the request or the
 * key URL an uploader or attacker chose, so the number of series is fixed. All series are
 * registered up front, so a dashboard shows a rejection reason at 0 before the first one.
 */
final class CallbackMetrics implements CallbackListener {

    static final String REQUESTS = "oss.callback.requests";
    static final String KEY_FETCH = "oss.callback.key.fetch";
    static final String NONE = "none";

    private final Counter accepted;
    private final Map<CallbackRejectedException.Reason, Counter> rejected = new EnumMap<>(CallbackRejectedException.Reason.class);
    private final Timer fetched;
    private final Timer fetchFailed;

    CallbackMetrics(MeterRegistry registry) {
        accepted = requests(registry, "accepted", NONE);
        for (CallbackRejectedException.Reason reason : CallbackRejectedException.Reason.values()) {
            rejected.put(reason, requests(registry, "rejected", reason.code()));
        }
        fetched = keyFetches(registry, "success");
        fetchFailed = keyFetches(registry, "failure");
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
        return "CallbackMetrics[" + REQUESTS + ", " + KEY_FETCH + "]";
    }
}
