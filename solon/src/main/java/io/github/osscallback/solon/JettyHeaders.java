package io.github.osscallback.solon;

import java.lang.reflect.Method;
import java.util.Collection;

/**
 * Keeps Jetty from changing a signature: Jetty's per-connection header cache ignores case, so a
 * signature can arrive with the case of an earlier request's value on the same connection and a
 * genuine callback fails. solon-server-jetty publishes its {@code Server} before starting it, and
 * this makes each connector's cache case-sensitive (Jetty 10 and later) or turns it off (Jetty 9.4,
 * which has no such switch). By reflection on Jetty's public types: the plugin never depends on Jetty.
 */
final class JettyHeaders {

    private static final System.Logger LOG = System.getLogger(OssCallbackPlugin.class.getName());

    private JettyHeaders() {
    }

    /** Configures a published Jetty {@code Server}; any other event is left alone. */
    static void onEvent(Object event) {
        if (event == null || !event.getClass().getName().equals("org.eclipse.jetty.server.Server")) {
            return;
        }
        try {
            for (Object connector : (Object[]) call(event, "getConnectors")) {
                for (Object factory : (Collection<?>) call(connector, "getConnectionFactories")) {
                    Method getter = method(factory.getClass(), "getHttpConfiguration");
                    if (getter != null) {
                        configure(getter.invoke(factory));
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // The endpoint's container check warns at the first request when the cache still ignores case.
            LOG.log(System.Logger.Level.WARNING, "{0} could not configure Jetty''s header cache: {1}",
                    CallbackFilter.NAME, e.toString());
        }
    }

    private static void configure(Object configuration) throws ReflectiveOperationException {
        Method caseSensitive = method(configuration.getClass(), "setHeaderCacheCaseSensitive", boolean.class);
        if (caseSensitive != null) {
            caseSensitive.invoke(configuration, true);
        } else {
            Method size = method(configuration.getClass(), "setHeaderCacheSize", int.class);
            if (size != null) {
                size.invoke(configuration, 0);
            }
        }
    }

    private static Object call(Object target, String name) throws ReflectiveOperationException {
        Method method = method(target.getClass(), name);
        if (method == null) {
            throw new NoSuchMethodException(target.getClass().getName() + "." + name);
        }
        return method.invoke(target);
    }

    /** A public method of a public class or interface of the type, as reflection may call it. */
    private static Method method(Class<?> type, String name, Class<?>... parameters) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                try {
                    return c.getMethod(name, parameters);
                } catch (NoSuchMethodException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
