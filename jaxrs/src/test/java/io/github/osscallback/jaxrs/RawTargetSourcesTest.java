package io.github.osscallback.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which raw-target sources the feature registers, and that a missing container API costs nothing. */
class RawTargetSourcesTest {

    @Test
    void choosesEverySourceWhoseContainerIsPresent() throws Exception {
        assertEquals(List.of("ServletRawTargetFilter", "GrizzlyRawTargetFilter", "JdkHttpRawTargetFilter"),
                sourceNames(RawTargetSources.class));
        // The same sources, bound to OssEventVerified instead: classes of their own, each registered once.
        List<Class<?>> events = RawTargetSources.forEvents().stream().map(Object::getClass).collect(Collectors.toList());
        assertEquals(List.of(ServletRawTargetFilter.ForEvents.class, GrizzlyRawTargetFilter.ForEvents.class,
                JdkHttpRawTargetFilter.ForEvents.class), events);
        for (Class<?> source : events) {
            assertEquals(true, source.isAnnotationPresent(OssEventVerified.class), source.getName());
            assertEquals(false, source.isAnnotationPresent(OssCallbackVerified.class), source.getName());
        }
    }

    @Test
    void withoutServletApiGrizzlyOrJerseyChoosesNoneAndLoadsEverythingElse() throws Exception {
        URL adapterClasses = OssCallbackFeature.class.getProtectionDomain().getCodeSource().getLocation();
        ClassLoader hiding = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                // The adapter's own classes must come from the isolated loader, the rest must be absent.
                if (name.startsWith("io.github.osscallback.jaxrs.") || name.startsWith("jakarta.servlet.")
                        || name.startsWith("org.glassfish.") || name.startsWith("jakarta.inject.")) {
                    throw new ClassNotFoundException(name);
                }
                return super.loadClass(name, resolve);
            }
        };
        try (URLClassLoader isolated = new URLClassLoader(new URL[] {adapterClasses}, hiding)) {
            for (String name : List.of("OssCallbackFeature", "OssCallbackRequestFilter", "RawTarget",
                    "OssCallbackEntityInterceptor", "OssCallbackEntityReader", "CallbackReplyWriter",
                    "CallbackRejectedExceptionMapper", "OssEventFeature", "OssEventRequestFilter", "OssEvents",
                    "EventDeliveryInterceptor", "EventDeliveryReader")) {
                Class.forName("io.github.osscallback.jaxrs." + name, true, isolated).getDeclaredFields();
            }
            Class<?> sources = Class.forName(RawTargetSources.class.getName(), true, isolated);
            assertEquals(List.of(), sourceNames(sources));
            assertEquals(List.of(), sourceNames(sources, "forEvents"));
        }
    }

    private static List<String> sourceNames(Class<?> sources) throws Exception {
        return sourceNames(sources, "available");
    }

    private static List<String> sourceNames(Class<?> sources, String method) throws Exception {
        Method available = sources.getDeclaredMethod(method);
        available.setAccessible(true);
        return ((List<?>) available.invoke(null)).stream().map(s -> s.getClass().getSimpleName())
                .collect(Collectors.toList());
    }
}
