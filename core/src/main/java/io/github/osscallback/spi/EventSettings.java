package io.github.osscallback.spi;

import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.internal.LogSafe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The string settings of an {@link EventVerifier}, shared by every adapter (servlet init-params,
 * Spring Boot's {@code oss.callback.events.*} properties), as {@link VerifierSettings} is for
 * callbacks. The names are {@link #NAMES}; a service is accepted when its regions or its
 * certificate prefixes are set. Errors about {@code eventBridgeToken} never quote its value.
 */
public final class EventSettings {

    /** Setting names, with what each takes, for the error messages and the documentation. */
    private static final Map<String, String> SETTINGS = settings();

    /** Every setting name. */
    public static final Set<String> NAMES = Collections.unmodifiableSet(SETTINGS.keySet());

    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,12}");

    private EventSettings() {
    }

    private static Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("mnsRegions", "region ids whose documented MNS certificate hosts are allowed (accepts MNS)");
        s.put("mnsCertificatePrefixes", "certificate URL prefixes allowed instead of MNS's documented hosts"
                + " (accepts MNS)");
        s.put("eventBridgeRegions", "region ids whose EventBridge certificate hosts are allowed (accepts"
                + " EventBridge)");
        s.put("eventBridgeCertificatePrefixes", "certificate URL prefixes allowed instead of EventBridge's"
                + " (accepts EventBridge)");
        s.put("eventBridgeToken", "the signature token configured on the EventBridge target");
        s.put("mnsDateWindowSeconds", "how far MNS's Date may be from now (default 900)");
        s.put("eventBridgeTimestampWindowSeconds", "how far EventBridge's timestamp may be from now (default 60)");
        s.put("duplicateWindowSeconds", "how long an accepted message id is remembered (default 86400)");
        s.put("maxBodyBytes", "the largest body accepted (default 262144)");
        s.put("certificateFetchTimeoutMillis", "the whole time one certificate fetch may take (default 3000)");
        s.put("baseUrl", "scheme, host and prefix EventBridge was configured with, when a proxy changes them");
        return s;
    }

    /**
     * The message refusing a name that is no setting, in the spelling of an entry point whose
     * names are {@code prefix} and a setting name, with the nearest setting.
     */
    public static String unknown(String prefix, String fullName) {
        List<String> known = new ArrayList<>();
        for (String name : NAMES) {
            known.add(prefix + name);
        }
        return "unknown event setting '" + LogSafe.text(fullName) + "'"
                + VerifierSettings.nearestName(fullName, known).map(n -> " (did you mean " + n + "?)").orElse("")
                + "; known settings are " + NAMES;
    }

    /**
     * Sets the builder's options from the settings (by setting name, values as strings). Names
     * that are no setting are refused; {@code baseUrl} is the endpoint's, not the verifier's, and
     * is left for {@link #baseUrl}.
     *
     * @throws IllegalArgumentException naming the setting when a value is malformed
     * @throws IllegalStateException when settings contradict each other
     */
    public static EventVerifier.Builder configure(EventVerifier.Builder builder, Map<String, String> settings) {
        for (String name : settings.keySet()) {
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException(unknown("", name));
            }
        }
        policy(settings, "mnsRegions", "mnsCertificatePrefixes", true).ifPresent(builder::acceptMns);
        policy(settings, "eventBridgeRegions", "eventBridgeCertificatePrefixes", false)
                .ifPresent(builder::acceptEventBridge);
        String token = settings.get("eventBridgeToken");
        if (token != null) {
            if (token.isEmpty()) {
                throw new IllegalArgumentException("setting eventBridgeToken is empty");
            }
            builder.eventBridgeToken(token);
        }
        seconds(settings, "mnsDateWindowSeconds").ifPresent(builder::mnsDateWindow);
        seconds(settings, "eventBridgeTimestampWindowSeconds").ifPresent(builder::eventBridgeTimestampWindow);
        seconds(settings, "duplicateWindowSeconds").ifPresent(builder::duplicateWindow);
        String max = settings.get("maxBodyBytes");
        if (max != null) {
            long bytes = number("maxBodyBytes", max);
            if (bytes > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("setting maxBodyBytes is over " + Integer.MAX_VALUE);
            }
            builder.maxBodyBytes((int) bytes);
        }
        String timeout = settings.get("certificateFetchTimeoutMillis");
        if (timeout != null) {
            builder.certificateFetchTimeout(Duration.ofMillis(number("certificateFetchTimeoutMillis", timeout)));
        }
        return builder;
    }

    /**
     * A message about event settings with each setting name replaced by its property name under
     * {@code prefix} in kebab case ({@code mnsRegions} under {@code oss.callback.events.} is
     * {@code oss.callback.events.mns-regions}), as {@link VerifierSettings#inPropertyNames} does
     * for the verifier's settings.
     */
    public static String inPropertyNames(String message, String prefix) {
        return VerifierSettings.inPropertyNames(message, prefix, NAMES);
    }

    /** The {@code baseUrl} setting, for {@link EventEndpoint#withBaseUrl}. */
    public static Optional<String> baseUrl(Map<String, String> settings) {
        return Optional.ofNullable(settings.get("baseUrl"));
    }

    private static Optional<KeyUrlPolicy> policy(Map<String, String> settings, String regionsName,
                                                 String prefixesName, boolean mns) {
        String regions = settings.get(regionsName);
        String prefixes = settings.get(prefixesName);
        if (regions != null && prefixes != null) {
            throw new IllegalStateException("set " + regionsName + " or " + prefixesName + ", not both: the"
                    + " prefixes replace the documented hosts the regions name");
        }
        try {
            if (prefixes != null) {
                List<String> list = split(prefixes);
                if (list.isEmpty()) {
                    throw new IllegalArgumentException("setting " + prefixesName + " is empty");
                }
                KeyUrlPolicy.Builder policy = KeyUrlPolicy.builder();
                list.forEach(policy::allowPrefix);
                return Optional.of(policy.build());
            }
            if (regions != null) {
                String[] list = split(regions).toArray(new String[0]);
                if (list.length == 0 && !mns) {
                    throw new IllegalArgumentException("setting " + regionsName + " is empty");
                }
                return Optional.of(mns ? EventVerifier.mnsCertificates(list)
                        : EventVerifier.eventBridgeCertificates(list));
            }
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            throw new IllegalArgumentException(message.startsWith("setting ") ? message
                    : "setting " + (prefixes != null ? prefixesName : regionsName) + ": " + message, e);
        }
        return Optional.empty();
    }

    private static Optional<Duration> seconds(Map<String, String> settings, String name) {
        String value = settings.get(name);
        return value == null ? Optional.empty() : Optional.of(Duration.ofSeconds(number(name, value)));
    }

    /** A positive whole number in ASCII digits (parseLong would take signs and other scripts' digits). */
    private static long number(String name, String value) {
        String v = value.trim();
        if (!DIGITS.matcher(v).matches() || Long.parseLong(v) < 1) {
            throw new IllegalArgumentException("setting " + name + " must be a positive whole number, got '"
                    + LogSafe.text(v) + "'");
        }
        return Long.parseLong(v);
    }

    private static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }
}
