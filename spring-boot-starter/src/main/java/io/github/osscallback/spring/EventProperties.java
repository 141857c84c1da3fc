package io.github.osscallback.spring;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.spi.EventEndpoint;
import io.github.osscallback.spi.EventSettings;
import io.github.osscallback.spi.VerifierSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The {@code oss.callback.events.*} properties: {@code paths}, and each {@link EventSettings}
 * name under its kebab-case name ({@code mnsRegions} is {@code oss.callback.events.mns-regions}),
 * bound with Spring's relaxed rules and handed to {@link EventSettings#configure}. Setting any of
 * them turns event verification on.
 */
final class EventProperties {

    static final String PREFIX = CallbackProperties.PREFIX + ".events";
    /** URL patterns the event filter covers, apart from the callback paths. */
    static final String PATHS = PREFIX + ".paths";
    static final List<String> DEFAULT_PATHS = List.of("/oss/events/*");

    private EventProperties() {
    }

    /** The property name of an {@link EventSettings} name. */
    static String propertyName(String settingName) {
        return PREFIX + CallbackProperties.propertyName(settingName).substring(CallbackProperties.PREFIX.length());
    }

    /** Whether any {@code oss.callback.events.*} property is set: events are then verified. */
    static boolean configured(Environment environment) {
        return !Binder.get(environment).bind(PREFIX, Bindable.mapOf(String.class, Object.class)).orElse(Map.of())
                .isEmpty();
    }

    /** Turns the event configuration on when an {@code oss.callback.events.*} property is set. */
    static final class Configured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return configured(context.getEnvironment());
        }
    }

    /** The event paths, in the callback paths' forms, and none of them a callback path. */
    static List<String> paths(Environment environment) {
        CallbackProperties.refuseUnknown(environment);
        List<String> paths = CallbackProperties.patterns(PATHS,
                Binder.get(environment).bind(PATHS, Bindable.listOf(String.class)).orElse(DEFAULT_PATHS));
        List<String> callbackPaths = CallbackProperties.paths(environment);
        for (String path : paths) {
            if (callbackPaths.contains(path)) {
                throw new InvalidCallbackPropertiesException(PATHS + " and " + CallbackProperties.PATHS + " both name "
                        + path + ": a path is for callbacks or for events, whose requests differ", null);
            }
        }
        return paths;
    }

    /** The {@link EventSettings} the environment sets, by setting name. */
    static Map<String, String> settings(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : EventSettings.NAMES) {
            binder.bind(propertyName(name), Bindable.listOf(String.class))
                    .ifBound(values -> settings.put(name, String.join(",", values)));
        }
        return settings;
    }

    /** The verifier from the properties, heard by these listeners. */
    static EventVerifier build(Environment environment, List<CallbackListener> listeners) {
        CallbackProperties.refuseUnknown(environment);
        EventVerifier.Builder builder;
        try {
            builder = EventSettings.configure(EventVerifier.builder(), settings(environment));
            if (!listeners.isEmpty()) {
                builder.listener(CallbackListener.all(listeners));
            }
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidCallbackPropertiesException(
                    EventSettings.inPropertyNames(e.getMessage(), PREFIX + "."), e);
        }
    }

    /** The endpoint for an adapter: the verifier and, when set, the base URL. */
    static EventEndpoint endpoint(String name, EventVerifier verifier, Environment environment, System.Logger log) {
        EventEndpoint endpoint = EventEndpoint.of(name, verifier, log);
        String base = settings(environment).get("baseUrl");
        try {
            return base == null ? endpoint : endpoint.withBaseUrl(base);
        } catch (IllegalArgumentException e) {
            throw new InvalidCallbackPropertiesException(propertyName("baseUrl") + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a property under {@code oss.callback.events} that is none, naming the nearest: a
     * misspelt one would leave its setting off without a word.
     */
    static void refuseUnknown(Object events) {
        if (!(events instanceof Map)) {
            throw new InvalidCallbackPropertiesException(PREFIX + " is not a group of properties; they are "
                    + known().values(), null);
        }
        Map<String, String> known = known();
        for (Object key : ((Map<?, ?>) events).keySet()) {
            String given = String.valueOf(key);
            if (known.containsKey(normalized(given))) {
                continue;
            }
            String guess = VerifierSettings.nearestName(PREFIX + "." + given, known.values())
                    .map(name -> " (did you mean " + name + "?)").orElse("");
            throw new InvalidCallbackPropertiesException(PREFIX + "." + given + " is not an oss-callback property"
                    + guess + "; the event properties are " + String.join(", ", known.values()), null);
        }
    }

    private static Map<String, String> known() {
        Map<String, String> known = new LinkedHashMap<>();
        known.put("paths", PATHS);
        for (String name : EventSettings.NAMES) {
            known.put(normalized(name), propertyName(name));
        }
        return known;
    }

    private static String normalized(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    /** The application's listener beans for the event verifier: all but the callbacks' meters, which count callbacks. */
    static List<CallbackListener> listeners(List<CallbackListener> beans, CallbackListener eventMeters) {
        List<CallbackListener> out = new ArrayList<>();
        if (eventMeters != null) {
            out.add(eventMeters);
        }
        for (CallbackListener bean : beans) {
            if (!bean.getClass().getName().equals("io.github.osscallback.micrometer.OssCallbackMetrics")) {
                out.add(bean);
            }
        }
        return out;
    }
}
