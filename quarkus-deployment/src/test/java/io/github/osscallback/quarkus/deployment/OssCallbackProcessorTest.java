package io.github.osscallback.quarkus.deployment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * The build step that refuses oss-callback-jaxrs, run with the class loader Quarkus gives build
 * steps (the thread's context loader): this test's class path holds the real jaxrs module.
 */
class OssCallbackProcessorTest {

    @Test
    void refusesTheBuildWhenTheJaxrsModuleIsOnTheClassPath() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new OssCallbackProcessor().refuseJaxrsModule());
        assertTrue(e.getMessage().startsWith("oss-callback-jaxrs is on the class path of this Quarkus application"),
                e.getMessage());
        assertTrue(e.getMessage().contains("Remove the oss-callback-jaxrs dependency"), e.getMessage());
    }

    @Test
    void buildsWithoutIt() throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        try (URLClassLoader without = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            thread.setContextClassLoader(without);
            assertDoesNotThrow(() -> new OssCallbackProcessor().refuseJaxrsModule());
        } finally {
            thread.setContextClassLoader(original);
        }
    }
}
