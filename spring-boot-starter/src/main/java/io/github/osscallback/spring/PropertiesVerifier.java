package io.github.osscallback.spring;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.spi.VerifierSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.core.type.MethodMetadata;

/**
 * The verifier the starter builds: the {@code oss.callback.*} properties, then the listener
 * beans, then the {@link OssCallbackVerifierCustomizer} beans, on one builder. And the refusal of
 * verifier properties next to an application's own {@code CallbackVerifier} bean, which would
 * silently ignore them (a replay window that is not there lets a replay through).
 */
final class PropertiesVerifier {

    private PropertiesVerifier() {
    }

    /** The {@link VerifierSettings} the environment sets, by setting name, as strings. */
    static Map<String, String> settings(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : VerifierSettings.NAMES) {
            // As a list, so YAML lists and comma-separated strings both work; single values are a list of one.
            binder.bind(CallbackProperties.propertyName(name), Bindable.listOf(String.class))
                    .ifBound(values -> settings.put(name, String.join(",", values)));
        }
        return settings;
    }

    /**
     * The verifier from the properties, the listeners (in their order) and the customizers (in theirs).
     *
     * @throws InvalidCallbackPropertiesException naming the property (never an upload-token secret) or
     *     the customizer when a value is bad, contradicts another, or a customizer sets an option twice
     */
    static CallbackVerifier build(Environment environment, List<CallbackListener> listeners,
                                  List<OssCallbackVerifierCustomizer> customizers) {
        CallbackProperties.refuseUnknown(environment);
        CallbackVerifier.Builder builder;
        try {
            builder = VerifierSettings.configure(CallbackVerifier.builder(), settings(environment));
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The settings' messages name settings and never quote a secret; say the property names instead.
            throw new InvalidCallbackPropertiesException(inPropertyNames(e.getMessage()), e);
        }
        if (!listeners.isEmpty()) {
            builder.listener(CallbackListener.all(listeners));
        }
        for (OssCallbackVerifierCustomizer customizer : customizers) {
            try {
                customizer.customize(builder);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new InvalidCallbackPropertiesException("OssCallbackVerifierCustomizer "
                        + customizer.getClass().getName() + " failed: " + e.getMessage() + " (each option can be set once:"
                        + " by an oss.callback property or by a customizer; listeners are CallbackListener beans)",
                        "Set each verifier option in one place: remove the oss.callback property or the customizer's call.", e);
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidCallbackPropertiesException(inPropertyNames(e.getMessage()), e);
        }
    }

    /**
     * {@link #refuseUnread} for the verifier beans the application defined itself: every one not
     * made by {@code starterConfiguration}'s factory method (an instance registered directly is the
     * application's too). Read from the bean definitions, so verifiers of every source are seen.
     */
    static void refuseUnreadBesideOwnVerifiers(Environment environment, ConfigurableListableBeanFactory beans,
                                               Class<?> starterConfiguration) {
        List<String> own = new ArrayList<>();
        for (String name : beans.getBeanNamesForType(CallbackVerifier.class, true, false)) {
            if (!madeBy(beans, name, starterConfiguration)) {
                own.add(name);
            }
        }
        if (!own.isEmpty()) {
            refuseUnread(environment, own);
        }
    }

    private static boolean madeBy(ConfigurableListableBeanFactory beans, String name, Class<?> configuration) {
        if (!beans.containsBeanDefinition(name)) {
            return false;
        }
        BeanDefinition definition = beans.getBeanDefinition(name);
        MethodMetadata factoryMethod = definition instanceof AnnotatedBeanDefinition
                ? ((AnnotatedBeanDefinition) definition).getFactoryMethodMetadata() : null;
        return factoryMethod != null && factoryMethod.getDeclaringClassName().equals(configuration.getName());
    }

    /**
     * Fails start-up when the application defines its own verifier and sets verifier properties,
     * which that verifier never reads. {@code oss.callback.paths} and {@code oss.callback.jetty.*}
     * still apply (the filter and the Jetty customizer read them) and are not refused.
     */
    static void refuseUnread(Environment environment, List<String> verifierBeans) {
        List<String> set = new ArrayList<>();
        for (String name : settings(environment).keySet()) {
            set.add(CallbackProperties.propertyName(name));
        }
        if (set.isEmpty()) {
            return;
        }
        throw new InvalidCallbackPropertiesException(String.join(", ", set) + (set.size() == 1 ? " is" : " are")
                + " set, but the application defines its own CallbackVerifier bean " + verifierBeans
                + ", which oss.callback properties do not configure: they would be ignored",
                "Remove your CallbackVerifier bean, so the starter builds the verifier from the oss.callback"
                        + " properties, and configure what they cannot say in an OssCallbackVerifierCustomizer bean"
                        + " (it receives CallbackVerifier.Builder after the properties); or remove the properties and"
                        + " configure everything in your bean.", null);
    }

    private static String inPropertyNames(String message) {
        String out = message == null ? "" : message;
        for (String name : VerifierSettings.NAMES) {
            out = out.replaceAll("(?:setting )?\\b" + name + "\\b", Matcher.quoteReplacement(CallbackProperties.propertyName(name)));
        }
        return out;
    }
}
