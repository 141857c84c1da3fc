package io.github.osscallback.jaxrs;

import io.github.osscallback.EventVerifier;
import io.github.osscallback.spi.ContainerCheck;
import io.github.osscallback.spi.EventEndpoint;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Registers verification of OSS event deliveries (MNS topic push, EventBridge HTTP targets) in a
 * JAX-RS application: {@code register(new OssEventFeature(verifier))}, then annotate the event
 * methods {@link OssEventVerified}; such a method takes the {@link io.github.osscallback.EventDelivery}
 * as its entity parameter, or the raw payload as {@code byte[]} or {@code String}. A refused
 * delivery is answered with its reason's status and never reaches the method; a redelivery is
 * answered 200 {@code DUPLICATE} without it. When the method answers other than 2xx, or throws,
 * the message id is released so the sender's retry reaches the method as a first delivery
 * (docs/events.md, "Redeliveries"). Goes beside {@link OssCallbackFeature}, or without it.
 *
 * <p>Registered by class instead, it configures itself from application properties named
 * {@value #PROPERTY_PREFIX} followed by an {@link io.github.osscallback.spi.EventSettings} name
 * (e.g. {@code oss.callback.events.mnsRegions}); a property under that prefix that is no
 * setting fails {@link #configure}, naming the nearest setting. On Jersey the verifier it builds
 * is closed when Jersey shuts the application down; elsewhere build the verifier yourself.
 *
 * <p>The request target is read from the container underneath as {@link OssCallbackFeature}
 * reads it (MNS signs the raw target, EventBridge the URL). The verifier blocks (the body read,
 * a certificate fetch, the duplicate store), as JAX-RS filters are synchronous.
 *
 * <p>How the handling ended is read by a response filter: the method's answer, or the response an
 * exception mapper made of what it threw, which on a Jakarta REST 3.1 runtime (Jersey 3.1, RESTEasy
 * 6.1 and later) includes the runtime's default mapper's 500 for an exception the application maps
 * not. On Jersey the feature also listens to Jersey's request events, which come when no response
 * filter does: an unmapped exception on Jersey 3.0 (no default mapper), or an answer that fails
 * while being written. The application's own exception handling is left as it is.
 */
public final class OssEventFeature implements Feature {

    /** Prefix of the application properties read when no verifier is given. */
    public static final String PROPERTY_PREFIX = OssCallbackFeature.PROPERTY_PREFIX + "events.";

    private static final System.Logger LOG = System.getLogger(OssEventFeature.class.getName());
    private static final String NAME = "OssEventFeature";

    private final EventEndpoint endpoint;

    /** Configured from application properties; see the class description. */
    public OssEventFeature() {
        this.endpoint = null;
    }

    /** Uses the given verifier, which stays the caller's to close. */
    public OssEventFeature(EventVerifier verifier) {
        this(EventEndpoint.of(NAME, Objects.requireNonNull(verifier, "verifier"), LOG));
    }

    /** Uses an endpoint made in code (to set {@link EventEndpoint#withBaseUrl}, say), which stays the caller's. */
    public OssEventFeature(EventEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    @Override
    public boolean configure(FeatureContext context) {
        if (QuarkusRest.configures(context)) {
            throw new IllegalStateException(QuarkusRest.EVENT_REFUSAL);
        }
        EventEndpoint configured;
        boolean owned = endpoint == null;
        if (owned) {
            Map<String, Object> properties = context.getConfiguration().getProperties();
            configured = EventEndpoint.configured(NAME, "application properties", PROPERTY_PREFIX,
                    properties.keySet(), properties::get, LOG);
        } else {
            List<String> ignored = context.getConfiguration().getPropertyNames().stream()
                    .filter(name -> name.startsWith(PROPERTY_PREFIX)).sorted().collect(Collectors.toList());
            if (!ignored.isEmpty()) {
                throw new IllegalStateException(NAME + " was given a verifier and application properties " + ignored
                        + ", which would not apply to it: configure the verifier in code, or register the feature"
                        + " by class and configure it from properties alone");
            }
            configured = endpoint;
        }
        configured = configured.withContainerCheck(ContainerCheck.jettyHeaderCache());
        // The raw target must be in place before the verifying filter runs.
        for (ContainerRequestFilter source : RawTargetSources.forEvents()) {
            context.register(source, Priorities.AUTHENTICATION - 1);
        }
        context.register(new OssEventRequestFilter(configured), Priorities.AUTHENTICATION);
        OneBinding.register(context);
        context.register(new EventDeliveryInterceptor());
        context.register(new EventDeliveryReader());
        if (RawTargetSources.jersey()) {
            context.register(new JerseyEvents(configured, owned));
        }
        return true;
    }
}
