package io.github.osscallback.spring;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.EventVerifier;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;
import org.springframework.core.type.MethodMetadata;
import org.springframework.util.ClassUtils;

/**
 * What the event auto-configurations share: the event meters, when the application has
 * Micrometer and a registry (looked up by name, so an application without Micrometer loads no
 * Micrometer type), and the refusal of event properties beside the application's own verifier.
 */
final class EventMeters {

    private static final String REGISTRY = "io.micrometer.core.instrument.MeterRegistry";
    private static final String METRICS = "io.github.osscallback.micrometer.OssEventMetrics";

    private EventMeters() {
    }

    /** The event meters' listener, or null without Micrometer or a registry. */
    static CallbackListener listener(ConfigurableListableBeanFactory beans) {
        ClassLoader loader = beans.getBeanClassLoader();
        if (!ClassUtils.isPresent(REGISTRY, loader) || !ClassUtils.isPresent(METRICS, loader)) {
            return null;
        }
        return Micrometer.listener(beans);
    }

    /** Loaded only when Micrometer is present. */
    private static final class Micrometer {
        static CallbackListener listener(ConfigurableListableBeanFactory beans) {
            io.micrometer.core.instrument.MeterRegistry registry =
                    beans.getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class).getIfUnique();
            return registry == null ? null : io.github.osscallback.micrometer.OssEventMetrics.bind(registry);
        }
    }

    /**
     * Fails start-up when the application defines its own {@link EventVerifier} and sets event
     * verifier properties, which that verifier never reads. {@code paths} and {@code baseUrl}
     * still apply (the filter reads them).
     */
    static void refuseUnreadBesideOwnVerifier(Environment environment, ConfigurableListableBeanFactory beans,
                                              Class<?> starterConfiguration) {
        List<String> own = new ArrayList<>();
        for (String name : beans.getBeanNamesForType(EventVerifier.class, true, false)) {
            BeanDefinition definition = beans.containsBeanDefinition(name) ? beans.getBeanDefinition(name) : null;
            MethodMetadata factory = definition instanceof AnnotatedBeanDefinition
                    ? ((AnnotatedBeanDefinition) definition).getFactoryMethodMetadata() : null;
            if (factory == null || !factory.getDeclaringClassName().equals(starterConfiguration.getName())) {
                own.add(name);
            }
        }
        if (own.isEmpty()) {
            return;
        }
        List<String> set = new ArrayList<>();
        for (String name : EventProperties.settings(environment).keySet()) {
            if (!name.equals("baseUrl")) {
                set.add(EventProperties.propertyName(name));
            }
        }
        if (!set.isEmpty()) {
            throw new InvalidCallbackPropertiesException(String.join(", ", set) + (set.size() == 1 ? " is" : " are")
                    + " set, but the application defines its own EventVerifier bean " + own
                    + ", which oss.callback.events properties do not configure: they would be ignored", null);
        }
    }
}
