package io.github.osscallback.spring;

import io.github.osscallback.CallbackVerifier;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * The {@link KeyHealth} indicator on Boot 3.5, whose health types
 * ({@code org.springframework.boot.actuate.health}) this jar, compiled against Boot 4, cannot
 * name: the bean implements Boot 3.5's {@code HealthIndicator} by a proxy, registered under that
 * interface type so Actuator finds it, and builds Boot 3.5's {@code Health} reflectively.
 */
final class Boot3HealthIndicatorRegistrar implements ImportBeanDefinitionRegistrar, BeanClassLoaderAware, BeanFactoryAware {

    static final String INDICATOR_TYPE = "org.springframework.boot.actuate.health.HealthIndicator";
    private static final String HEALTH_TYPE = "org.springframework.boot.actuate.health.Health";

    private ClassLoader classLoader;
    private BeanFactory beanFactory;

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        if (registry.containsBeanDefinition(OssCallbackHealthAutoConfiguration.INDICATOR_BEAN)) {
            return;
        }
        Class<?> type = ClassUtils.resolveClassName(INDICATOR_TYPE, classLoader);
        RootBeanDefinition definition = new RootBeanDefinition(type);
        definition.setInstanceSupplier(() -> indicator(type,
                new KeyHealth(beanFactory.getBean(CallbackVerifier.class))));
        registry.registerBeanDefinition(OssCallbackHealthAutoConfiguration.INDICATOR_BEAN, definition);
    }

    private Object indicator(Class<?> type, KeyHealth keys) {
        Method status;
        Method withDetails;
        Method build;
        try {
            // Health.status(String) -> Health.Builder; withDetails(Map) and build() on the builder.
            status = ClassUtils.resolveClassName(HEALTH_TYPE, classLoader).getMethod("status", String.class);
            withDetails = status.getReturnType().getMethod("withDetails", Map.class);
            build = status.getReturnType().getMethod("build");
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("Actuator's Health API is not the one of Boot 3.5", e);
        }
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "health":
                    if (method.getParameterCount() == 0) {
                        KeyHealth.Report report = keys.report();
                        Object builder = status.invoke(null, report.status());
                        withDetails.invoke(builder, report.details());
                        return build.invoke(builder);
                    }
                    break;
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "OssCallback: key health";
                default:
                    break;
            }
            if (method.isDefault()) {
                // getHealth(boolean includeDetails): Boot's own default, which calls health().
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            throw new UnsupportedOperationException(method.toString());
        };
        return Proxy.newProxyInstance(classLoader, new Class<?>[] {type}, handler);
    }

    /**
     * Boot 3.5's {@code @ConditionalOnEnabledHealthIndicator("osscallback")}, which this jar
     * cannot name: {@code management.health.osscallback.enabled}, else
     * {@code management.health.defaults.enabled}, else on.
     */
    static final class Enabled extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Environment environment = context.getEnvironment();
            ConditionMessage.Builder message = ConditionMessage.forCondition("OSS callback health indicator");
            String property = "management.health." + OssCallbackHealthAutoConfiguration.INDICATOR_NAME + ".enabled";
            if (environment.containsProperty(property)) {
                boolean enabled = environment.getProperty(property, Boolean.class, true);
                return new ConditionOutcome(enabled, message.because(property + " is " + enabled));
            }
            String defaults = "management.health.defaults.enabled";
            boolean enabled = environment.getProperty(defaults, Boolean.class, true);
            return new ConditionOutcome(enabled, message.because(defaults + " is considered " + enabled));
        }
    }
}
