package io.github.osscallback.quarkus.runtime;

import io.github.osscallback.EventVerifier;
import io.github.osscallback.spi.EventEndpoint;
import io.github.osscallback.spi.CallbackPaths;
import io.github.osscallback.spi.EventSettings;
import io.github.osscallback.spi.VerifierSettings;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The endpoint every event delivery goes through, built at start-up from the
 * {@code oss.callback.events.*} properties (each {@link EventSettings} name in kebab case:
 * {@code mnsRegions} is {@code oss.callback.events.mns-regions}) or from the application's own
 * {@link EventVerifier} bean. Events are off when neither is there; an application that has
 * {@code @OssEventVerified} methods or {@code oss.callback.events.paths} then fails to start,
 * rather than answer every delivery with an error the sender would retry for days.
 */
@Singleton
@Startup
public class EventSetup {

    /** The adapter's name in refusals and configuration errors. */
    static final String NAME = "oss-callback-quarkus events";
    static final String PREFIX = CallbackSettings.PREFIX + "events.";
    static final String PATHS = PREFIX + "paths";
    /** As the Spring Boot starter's: where deliveries are verified without the annotation, once events are on. */
    static final List<String> DEFAULT_PATHS = List.of("/oss/events/*");
    /** Set by the build: the resource methods annotated {@code @OssEventVerified}, for the message above. */
    public static final String ANNOTATED_METHODS = "oss-callback-quarkus.event-methods";

    private final EventEndpoint endpoint;
    /** Null when events are off. */
    private final CallbackPaths paths;

    @Inject
    public EventSetup(Config config, Instance<EventVerifier> ownVerifier) {
        CallbackPaths callbackPaths = CallbackSettings.paths(config);
        Map<String, String> settings = settings(config);
        if (ownVerifier.isResolvable()) {
            if (!settings.isEmpty()) {
                List<String> set = new ArrayList<>();
                settings.keySet().forEach(name -> set.add(propertyName(name)));
                throw new IllegalStateException(String.join(", ", set) + (set.size() == 1 ? " is" : " are")
                        + " set, but the application produces its own EventVerifier bean, which oss.callback.events"
                        + " properties do not configure: remove the properties or the bean");
            }
            this.endpoint = EventEndpoint.of(NAME, ownVerifier.get(), CallbackSetup.LOG);
        } else if (settings.isEmpty()) {
            this.endpoint = null;
        } else {
            try {
                this.endpoint = EventEndpoint.configured(NAME, "application.properties", "", settings.keySet(),
                        settings::get, CallbackSetup.LOG);
            } catch (IllegalStateException e) {
                throw new IllegalStateException(EventSettings.inPropertyNames(e.getMessage(), PREFIX), e);
            }
        }
        Optional<List<String>> pathPatterns = config.getOptionalValues(PATHS, String.class);
        Optional<String> annotated = config.getOptionalValue(ANNOTATED_METHODS, String.class);
        if (endpoint == null && (pathPatterns.isPresent() || annotated.isPresent())) {
            throw new IllegalStateException((annotated.isPresent() ? "resource methods " + annotated.get()
                    + " are annotated @OssEventVerified" : PATHS + " is set") + ", but no event service is accepted:"
                    + " set " + propertyName("mnsRegions") + " or " + propertyName("mnsCertificatePrefixes")
                    + " for MNS, " + propertyName("eventBridgeRegions") + " or "
                    + propertyName("eventBridgeCertificatePrefixes") + " for EventBridge, or produce an"
                    + " EventVerifier bean");
        }
        this.paths = endpoint == null ? null : paths(pathPatterns.orElse(DEFAULT_PATHS), callbackPaths);
    }

    /** The event paths, in the callback paths' forms, and none of them a callback path. */
    private static CallbackPaths paths(List<String> patterns, CallbackPaths callbackPaths) {
        CallbackPaths paths;
        try {
            paths = CallbackPaths.parse(patterns);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(PATHS + " " + e.getMessage(), e);
        }
        for (String pattern : paths.patterns()) {
            if (callbackPaths.patterns().contains(pattern)) {
                throw new IllegalStateException(PATHS + " and " + CallbackSettings.PATHS + " both name " + pattern
                        + ": a path is for callbacks or for events, whose requests differ");
            }
        }
        return paths;
    }

    /** The endpoint; null when the application accepts no event deliveries. */
    EventEndpoint endpoint() {
        return endpoint;
    }

    /** Whether a request to this path (decoded, relative to the application root) is an event delivery by path. */
    boolean coversPath(String path) {
        return paths != null && paths.matches(path);
    }

    /** The property name of an {@link EventSettings} name. */
    static String propertyName(String settingName) {
        return VerifierSettings.propertyName(PREFIX, settingName);
    }

    /** Every property of events, for the refusal of unknown {@code oss.callback.*} names. */
    static List<String> known() {
        List<String> known = new ArrayList<>();
        for (String name : EventSettings.NAMES) {
            known.add(propertyName(name));
        }
        known.add(PATHS);
        return known;
    }

    private static Map<String, String> settings(Config config) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : EventSettings.NAMES) {
            config.getOptionalValue(propertyName(name), String.class).ifPresent(v -> settings.put(name, v));
        }
        return settings;
    }

    @PreDestroy
    void close() {
        if (endpoint != null) {
            endpoint.close();
        }
    }
}
