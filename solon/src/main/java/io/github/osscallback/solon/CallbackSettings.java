package io.github.osscallback.solon;

import io.github.osscallback.spi.CallbackPaths;
import io.github.osscallback.spi.EventSettings;
import io.github.osscallback.spi.VerifierSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code oss.callback.*} properties of a Solon application (app.yml, app.properties, startup
 * arguments), with the Spring starter's names: each {@link VerifierSettings} name in kebab case
 * ({@code keyUrlPrefixes} is {@code oss.callback.key-url-prefixes}) or as Solon also binds it in
 * camel case, plus {@code oss.callback.paths}; and the event settings, each {@link EventSettings}
 * name under {@code oss.callback.events.}, plus {@code oss.callback.events.paths}. A YAML list arrives flattened
 * ({@code key-url-prefixes[0]}, {@code [1]}, ...) and is joined in its order.
 */
final class CallbackSettings {

    static final String PREFIX = "oss.callback.";
    static final String PATHS = PREFIX + "paths";
    static final CallbackPaths DEFAULT_PATHS = CallbackPaths.parse(List.of("/oss/callback/*"));
    static final String EVENT_PREFIX = PREFIX + "events.";
    static final String EVENT_PATHS = EVENT_PREFIX + "paths";
    /** As the Spring Boot starter's and Quarkus's: where deliveries are verified once events are on. */
    static final CallbackPaths DEFAULT_EVENT_PATHS = CallbackPaths.parse(List.of("/oss/events/*"));

    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]$");

    /** VerifierSettings name to its value, as strings. */
    private final Map<String, String> settings;
    private final CallbackPaths paths;
    /** EventSettings name to its value, as strings. */
    private final Map<String, String> eventSettings;
    /** Null when {@code oss.callback.events.paths} is not set. */
    private final CallbackPaths eventPaths;

    private CallbackSettings(Map<String, String> settings, CallbackPaths paths, Map<String, String> eventSettings,
                             CallbackPaths eventPaths) {
        this.settings = settings;
        this.paths = paths;
        this.eventSettings = eventSettings;
        this.eventPaths = eventPaths;
    }

    /**
     * Reads the properties.
     *
     * @param properties every property of the application, by name
     * @throws IllegalStateException on an {@code oss.callback.*} name that is no property (the
     *     nearest one suggested), one set twice, or a path that is no pattern; never quoting a value
     */
    static CallbackSettings read(Map<String, String> properties) {
        Map<String, String> known = new LinkedHashMap<>();
        for (String name : VerifierSettings.NAMES) {
            known.put(name, propertyName(name));
        }
        known.put("paths", PATHS);
        Map<String, String> eventsKnown = new LinkedHashMap<>();
        for (String name : EventSettings.NAMES) {
            eventsKnown.put(name, eventPropertyName(name));
        }
        eventsKnown.put("paths", EVENT_PATHS);
        // A misspelt event property is suggested among every property, callbacks' and events' alike.
        List<String> everyName = new ArrayList<>(known.values());
        everyName.addAll(eventsKnown.values());
        Map<String, String> settings = new LinkedHashMap<>();
        String joinedPaths = collect(properties, PREFIX, EVENT_PREFIX, known, everyName, settings);
        CallbackPaths paths = joinedPaths == null ? DEFAULT_PATHS : paths(PATHS, joinedPaths);
        Map<String, String> eventSettings = new LinkedHashMap<>();
        String joinedEventPaths = collect(properties, EVENT_PREFIX, null, eventsKnown, everyName, eventSettings);
        CallbackPaths eventPaths = joinedEventPaths == null ? null : paths(EVENT_PATHS, joinedEventPaths);
        return new CallbackSettings(settings, paths, eventSettings, eventPaths);
    }

    /**
     * Collects the settings under {@code prefix} (but not under {@code skip}) into {@code settings}
     * by setting name, refusing names that are none; returns the joined {@code paths}, or null.
     */
    private static String collect(Map<String, String> properties, String prefix, String skip,
                                  Map<String, String> known, List<String> everyName, Map<String, String> settings) {
        // Setting name -> spelling as written -> (index, or -1 for a plain value -> value). Solon adds a
        // camel-case copy of each kebab-case name itself, so one setting may come under two spellings.
        Map<String, Map<String, TreeMap<Integer, String>>> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> property : properties.entrySet()) {
            String fullName = property.getKey();
            if (!fullName.startsWith(prefix) || (skip != null && fullName.startsWith(skip))) {
                continue;
            }
            String rest = fullName.substring(prefix.length());
            int index = -1;
            Matcher indexed = INDEX.matcher(rest);
            if (indexed.find()) {
                index = Integer.parseInt(indexed.group(1));
                rest = rest.substring(0, indexed.start());
            }
            String setting = camel(rest);
            if (!known.containsKey(setting)) {
                String guess = VerifierSettings.nearestName(fullName, everyName)
                        .map(name -> " (did you mean " + name + "?)").orElse("");
                throw new IllegalStateException("OssCallbackPlugin: " + printable(fullName)
                        + " is not an oss-callback property" + guess + "; the properties are "
                        + String.join(", ", known.values()));
            }
            TreeMap<Integer, String> items = values.computeIfAbsent(setting, s -> new LinkedHashMap<>())
                    .computeIfAbsent(rest, r -> new TreeMap<>());
            if ((index < 0 && !items.isEmpty()) || items.containsKey(-1)) {
                throw twice(known.get(setting));
            }
            items.put(index, property.getValue() == null ? "" : property.getValue());
        }
        String paths = null;
        for (Map.Entry<String, Map<String, TreeMap<Integer, String>>> entry : values.entrySet()) {
            if (new java.util.HashSet<>(entry.getValue().values()).size() > 1) {
                throw twice(known.get(entry.getKey()));
            }
            String joined = String.join(",", entry.getValue().values().iterator().next().values());
            if (entry.getKey().equals("paths")) {
                paths = joined;
            } else {
                settings.put(entry.getKey(), joined);
            }
        }
        return paths;
    }

    private static IllegalStateException twice(String property) {
        return new IllegalStateException("OssCallbackPlugin: " + property + " is set twice, differently (in"
                + " kebab and camel case, or as a list and a value); set it once");
    }

    /** The {@link VerifierSettings} given, by setting name. */
    Map<String, String> verifierSettings() {
        return settings;
    }

    /** The path patterns the filter verifies. */
    CallbackPaths paths() {
        return paths;
    }

    /** The {@link EventSettings} given under {@code oss.callback.events.}, by setting name. */
    Map<String, String> eventSettings() {
        return eventSettings;
    }

    /**
     * The event paths once events are on: {@code oss.callback.events.paths}, or the starter's
     * default; none of them a callback path.
     *
     * @throws IllegalStateException when an event path is also a callback path
     */
    CallbackPaths eventPaths() {
        CallbackPaths events = eventPaths == null ? DEFAULT_EVENT_PATHS : eventPaths;
        for (String pattern : events.patterns()) {
            if (paths.patterns().contains(pattern)) {
                throw new IllegalStateException("OssCallbackPlugin: " + EVENT_PATHS + " and " + PATHS + " both name "
                        + pattern + ": a path is for callbacks or for events, whose requests differ");
            }
        }
        return events;
    }

    /** Whether {@code oss.callback.events.paths} is set. */
    boolean eventPathsSet() {
        return eventPaths != null;
    }

    /** The property name of an {@link EventSettings} name: {@code oss.callback.events.} and its kebab-case form. */
    static String eventPropertyName(String settingName) {
        return VerifierSettings.propertyName(EVENT_PREFIX, settingName);
    }

    /** The property name of a {@link VerifierSettings} name: {@code oss.callback.} and its kebab-case form. */
    static String propertyName(String settingName) {
        return VerifierSettings.propertyName(PREFIX, settingName);
    }

    /**
     * A verifier's message in property names: core's messages name settings
     * ({@code setting keyUrlPrefixes='…'}), the application wrote properties.
     */
    static String inPropertyNames(String message) {
        return VerifierSettings.inPropertyNames(message, PREFIX);
    }

    /** Kebab case to camel case ({@code key-url-prefixes} to {@code keyUrlPrefixes}); camel case stays. */
    private static String camel(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '-' && i > 0) {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /**
     * The patterns of {@code oss.callback.paths}, as the Spring starter takes them (servlet URL
     * patterns), so one configuration serves both: {@code /exact/path}, {@code /prefix/*} (the
     * prefix and everything below it) or {@code *.extension}.
     */
    private static CallbackPaths paths(String property, String joined) {
        List<String> patterns = new ArrayList<>();
        for (String entry : joined.split("[,\\s]+")) {
            if (!entry.isEmpty()) {
                patterns.add(entry);
            }
        }
        if (patterns.isEmpty()) {
            throw new IllegalStateException("OssCallbackPlugin: " + property + " is empty");
        }
        try {
            return CallbackPaths.parse(patterns);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("OssCallbackPlugin: " + property + " " + e.getMessage(), e);
        }
    }

    /** A property name for a message: printable ASCII only, bounded. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && i < 200; i++) {
            char c = name.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
