package io.github.osscallback.solon;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.ReplayStore;
import io.github.osscallback.spi.CallbackEndpoint;
import io.github.osscallback.spi.EventEndpoint;
import io.github.osscallback.spi.EventSettings;
import io.github.osscallback.spi.VerifierSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verifier the plugin verifies with, from the application's beans and the {@code oss.callback.*}
 * properties: the application's own {@link CallbackVerifier} bean as it is (then verifier properties
 * are refused, as the Spring starter refuses them: they would be ignored), or one built from the
 * properties with the application's {@link ReplayStore} bean (for {@code replay-window-seconds})
 * and its {@link CallbackListener} beans (meters among them).
 */
final class PluginVerifier implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OssCallbackPlugin.class.getName());
    private static final String WINDOW = "replayWindowSeconds";
    private static final String BASE_URL = "baseUrl";

    private final CallbackEndpoint endpoint;
    /** A verifier built here with the application's beans, closed with the plugin; null otherwise. */
    private final CallbackVerifier built;

    private PluginVerifier(CallbackEndpoint endpoint, CallbackVerifier built) {
        this.endpoint = endpoint;
        this.built = built;
    }

    /**
     * The verifier for these properties and beans.
     *
     * @param settings the {@link VerifierSettings} the properties set, by setting name
     * @throws IllegalStateException naming the properties or beans that cannot go together, or a bad value
     */
    static PluginVerifier of(Map<String, String> settings, List<CallbackVerifier> verifiers,
                             List<ReplayStore> stores, List<CallbackListener> listeners) {
        if (verifiers.size() > 1) {
            throw new IllegalStateException(CallbackFilter.NAME + ": the application has " + verifiers.size()
                    + " CallbackVerifier beans; it verifies with one: keep one");
        }
        if (verifiers.size() == 1) {
            refuseBesideOwnVerifier(settings);
            return new PluginVerifier(CallbackEndpoint.of(CallbackFilter.NAME, verifiers.get(0), LOG), null);
        }
        if (stores.size() > 1) {
            throw new IllegalStateException(CallbackFilter.NAME + ": the application has " + stores.size()
                    + " ReplayStore beans; replay protection uses one: keep one");
        }
        if (stores.isEmpty() && listeners.isEmpty()) {
            try {
                return new PluginVerifier(CallbackEndpoint.configured(CallbackFilter.NAME, "oss.callback properties", "",
                        settings.keySet(), settings::get, LOG), null);
            } catch (IllegalStateException e) {
                throw new IllegalStateException(CallbackSettings.inPropertyNames(e.getMessage()), e);
            }
        }
        CallbackVerifier verifier = built(settings, stores.isEmpty() ? null : stores.get(0), listeners);
        return new PluginVerifier(CallbackEndpoint.of(CallbackFilter.NAME, verifier, LOG), verifier);
    }

    /** The endpoint the filter verifies through. */
    CallbackEndpoint endpoint() {
        return endpoint;
    }

    /** Closes what the plugin built (ending its key-fetch threads); never the application's own verifier. */
    @Override
    public void close() {
        endpoint.close();
        if (built != null) {
            built.close();
        }
    }

    /**
     * The event endpoint for these properties and beans: the application's own {@link EventVerifier}
     * bean as it is (then event verifier properties are refused; {@code base-url} and {@code paths}
     * still apply), or one built from the {@code oss.callback.events.*} properties; null when
     * neither is there and events are off.
     *
     * @param settings the {@link EventSettings} the properties set, by setting name
     * @throws IllegalStateException naming the properties or beans that cannot go together, a bad
     *     value, or event paths set while no event service is accepted
     */
    static EventEndpoint events(Map<String, String> settings, boolean pathsSet, List<EventVerifier> verifiers) {
        if (verifiers.size() > 1) {
            throw new IllegalStateException(EventFilter.NAME + ": the application has " + verifiers.size()
                    + " EventVerifier beans; it verifies with one: keep one");
        }
        if (verifiers.size() == 1) {
            Map<String, String> rest = new LinkedHashMap<>(settings);
            rest.remove(BASE_URL);
            if (!rest.isEmpty()) {
                List<String> set = new ArrayList<>();
                rest.keySet().forEach(name -> set.add(CallbackSettings.eventPropertyName(name)));
                throw new IllegalStateException(EventFilter.NAME + ": " + String.join(", ", set)
                        + (set.size() == 1 ? " is" : " are") + " set, but the application has its own EventVerifier"
                        + " bean, which oss.callback.events properties do not configure: they would be ignored."
                        + " Remove the properties (oss.callback.events.paths and base-url still apply), or the bean");
            }
            EventEndpoint endpoint = EventEndpoint.of(EventFilter.NAME, verifiers.get(0), LOG);
            try {
                return settings.containsKey(BASE_URL) ? endpoint.withBaseUrl(settings.get(BASE_URL)) : endpoint;
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(EventFilter.NAME + ": " + CallbackSettings.eventPropertyName(BASE_URL)
                        + ": " + e.getMessage(), e);
            }
        }
        if (settings.isEmpty()) {
            if (pathsSet) {
                throw new IllegalStateException(EventFilter.NAME + ": " + CallbackSettings.EVENT_PATHS + " is set,"
                        + " but no event service is accepted: set " + CallbackSettings.eventPropertyName("mnsRegions")
                        + " or " + CallbackSettings.eventPropertyName("mnsCertificatePrefixes") + " for MNS, "
                        + CallbackSettings.eventPropertyName("eventBridgeRegions") + " or "
                        + CallbackSettings.eventPropertyName("eventBridgeCertificatePrefixes")
                        + " for EventBridge, or give the application an EventVerifier bean");
            }
            return null;
        }
        try {
            return EventEndpoint.configured(EventFilter.NAME, "oss.callback.events properties", "",
                    settings.keySet(), settings::get, LOG);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(EventSettings.inPropertyNames(e.getMessage(),
                    CallbackSettings.EVENT_PREFIX), e);
        }
    }

    private static void refuseBesideOwnVerifier(Map<String, String> settings) {
        if (settings.isEmpty()) {
            return;
        }
        List<String> set = new ArrayList<>();
        settings.keySet().forEach(name -> set.add(CallbackSettings.propertyName(name)));
        throw new IllegalStateException(CallbackFilter.NAME + ": " + String.join(", ", set)
                + (set.size() == 1 ? " is" : " are") + " set, but the application has its own CallbackVerifier bean,"
                + " which oss.callback properties do not configure: they would be ignored. Remove the properties"
                + " (oss.callback.paths still applies), or remove the bean and let the plugin build the verifier from"
                + " the properties, with your ReplayStore and CallbackListener beans");
    }

    private static CallbackVerifier built(Map<String, String> settings, ReplayStore store, List<CallbackListener> listeners) {
        Map<String, String> rest = new LinkedHashMap<>(settings);
        String window = rest.remove(WINDOW);
        String windowProperty = CallbackSettings.propertyName(WINDOW);
        if (store != null && window == null) {
            throw new IllegalStateException(CallbackFilter.NAME + ": the application has a ReplayStore bean ("
                    + store.getClass().getName() + "), which remembers callbacks for replay protection: set "
                    + windowProperty + " to the window it remembers them for");
        }
        try {
            CallbackVerifier.Builder builder = VerifierSettings.configure(CallbackVerifier.builder(), rest);
            if (window != null) {
                Duration duration = Duration.ofSeconds(seconds(windowProperty, window));
                if (store == null) {
                    builder.replayProtection(duration);
                } else {
                    builder.replayProtection(duration, store);
                }
            }
            if (!listeners.isEmpty()) {
                builder.listener(listeners.size() == 1 ? listeners.get(0) : CallbackListener.all(listeners));
            }
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The verifier's messages name settings and never quote a secret; say the property names instead.
            throw new IllegalStateException(CallbackFilter.NAME + " (oss.callback properties) is misconfigured: "
                    + CallbackSettings.inPropertyNames(e.getMessage()), e);
        }
    }

    private static long seconds(String property, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(property + " is not a whole number of seconds");
        }
    }
}
