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
                    "CallbackRejectedExceptionMapper")) {
                Class.forName("io.github.osscallback.jaxrs." + name, true, isolated).getDeclaredFields();
            }
            assertEquals(List.of(), sourceNames(Class.forName(RawTargetSources.class.getName(), true, isolated)));
        }
    }

    private static List<String> sourceNames(Class<?> sources) throws Exception {
        Method available = sources.getDeclaredMethod("available");
        available.setAccessible(true);
        return ((List<?>) available.invoke(null)).stream().map(s -> s.getClass().getSimpleName())
                .collect(Collectors.toList());
    }
}
