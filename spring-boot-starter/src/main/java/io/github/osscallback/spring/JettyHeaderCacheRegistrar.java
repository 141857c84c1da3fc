package io.github.osscallback.spring;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.List;
import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * On embedded Jetty, makes every connector's header cache case-sensitive (unless
 * {@code oss.callback.jetty.header-cache-case-sensitive=false}). Jetty's default cache may hand a
 * signature over in the case of an earlier request's value on the same connection, and the genuine
 * callback then fails.
 *
 * <p>Boot registers each {@code JettyServerCustomizer} bean with the server factory. That type is
 * {@code org.springframework.boot.jetty.JettyServerCustomizer} on Boot 4 and
 * {@code org.springframework.boot.web.embedded.jetty.JettyServerCustomizer} on Boot 3; one jar
 * cannot compile against both, so the bean implements whichever is present, by a proxy, under its
 * interface type so Boot finds it.
 */
final class JettyHeaderCacheRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanClassLoaderAware {

    static final String BEAN_NAME = "ossCallbackJettyHeaderCacheCustomizer";
    private static final List<String> CUSTOMIZER_TYPES = List.of(
            "org.springframework.boot.jetty.JettyServerCustomizer",
            "org.springframework.boot.web.embedded.jetty.JettyServerCustomizer");

    private Environment environment;
    private ClassLoader classLoader;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void setBeanClassLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
        if (!CallbackProperties.jettyHeaderCacheCaseSensitive(environment)
                || !ClassUtils.isPresent("org.eclipse.jetty.server.Server", classLoader)
                || registry.containsBeanDefinition(BEAN_NAME)) {
            return;
        }
        for (String typeName : CUSTOMIZER_TYPES) {
            if (ClassUtils.isPresent(typeName, classLoader)) {
                Class<?> type = ClassUtils.resolveClassName(typeName, classLoader);
                RootBeanDefinition definition = new RootBeanDefinition(type);
                definition.setInstanceSupplier(() -> customizer(type));
                registry.registerBeanDefinition(BEAN_NAME, definition);
                return;
            }
        }
    }

    private Object customizer(Class<?> type) {
        InvocationHandler handler = (proxy, method, args) -> {
            switch (method.getName()) {
                case "customize":
                    JettyHeaderCache.makeCaseSensitive(args[0]);
                    return null;
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "OssCallback: Jetty header cache case-sensitive";
                default:
                    throw new UnsupportedOperationException(method.toString());
            }
        };
        return Proxy.newProxyInstance(classLoader, new Class<?>[] {type}, handler);
    }
}
