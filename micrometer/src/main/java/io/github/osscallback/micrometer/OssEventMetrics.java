package io.github.osscallback.micrometer;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Micrometer meters for OSS event deliveries, as a {@link CallbackListener} for
 * {@code EventVerifier.Builder.listener}, kept apart from the callbacks' meters:
 *
 * <ul>
 *   <li>{@value #DELIVERIES}: counter; tags {@code outcome} ({@code accepted} or {@code rejected}),
 *       {@code reason} (the refusal's reason code, {@code duplicate_delivery} for a redelivery, or
 *       {@value OssCallbackMetrics#NONE}) and {@code service} ({@code mns}, {@code eventbridge}, or
 *       {@value OssCallbackMetrics#NONE} for a refusal, which may name no service truly);</li>
 *   <li>certificate fetches in {@value OssCallbackMetrics#KEY_FETCH}, the key-fetch timer, by outcome.</li>
 * </ul>
 *
 * Every tag value comes from a fixed set; all series are registered by {@link #bind}.
 */
public final class OssEventMetrics implements CallbackListener {

    /** The counter of event deliveries. */
    public static final String DELIVERIES = "oss.callback.events";

    private final Map<EventDelivery.Service, Counter> accepted = new EnumMap<>(EventDelivery.Service.class);
    private final Map<CallbackRejectedException.Reason, Counter> rejected =
            new EnumMap<>(CallbackRejectedException.Reason.class);
    private final Timer fetched;
    private final Timer fetchFailed;

    private OssEventMetrics(MeterRegistry registry) {
        for (EventDelivery.Service service : EventDelivery.Service.values()) {
            accepted.put(service, deliveries(registry, "accepted", OssCallbackMetrics.NONE,
                    service.name().toLowerCase(java.util.Locale.ROOT)));
        }
        for (CallbackRejectedException.Reason reason : CallbackRejectedException.Reason.values()) {
            rejected.put(reason, deliveries(registry, "rejected", reason.code(), OssCallbackMetrics.NONE));
        }
        fetched = keyFetches(registry, "success");
        fetchFailed = keyFetches(registry, "failure");
    }

    /** Registers every series in the registry and returns the listener that counts into them. */
    public static OssEventMetrics bind(MeterRegistry registry) {
        return new OssEventMetrics(Objects.requireNonNull(registry, "registry"));
    }

    private static Counter deliveries(MeterRegistry registry, String outcome, String reason, String service) {
        return Counter.builder(DELIVERIES)
                .description("OSS event deliveries (MNS, EventBridge) by outcome, refusal reason code and service")
                .tag("outcome", outcome)
                .tag("reason", reason)
                .tag("service", service)
                .register(registry);
    }

    private static Timer keyFetches(MeterRegistry registry, String outcome) {
        return Timer.builder(OssCallbackMetrics.KEY_FETCH)
                .description("Public key fetches from the key host that reached it, by outcome")
                .tag("outcome", outcome)
                .register(registry);
    }

    @Override
    public void eventAccepted(EventDelivery delivery) {
        accepted.get(delivery.service()).increment();
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
        return "OssEventMetrics[" + DELIVERIES + ", " + OssCallbackMetrics.KEY_FETCH + "]";
    }
}
