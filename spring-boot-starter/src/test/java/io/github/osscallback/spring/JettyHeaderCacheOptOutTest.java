package io.github.osscallback.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.ClassUtils;

/**
 * With the starter's Jetty setting turned off, Jetty's default header cache breaks the genuine
 * callback after an earlier value on the same connection: the hazard the starter removes, and the
 * proof that {@link CallbackApplicationTest} would see it. Runs where Jetty is the server.
 */
@SpringBootTest(classes = CallbackTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "oss.callback.jetty.header-cache-case-sensitive=false")
class JettyHeaderCacheOptOutTest {

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        TestKeys.register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void withoutTheStartersSettingJettyHandsOverTheEarlierValuesCase() throws Exception {
        assumeTrue(ClassUtils.isPresent("org.eclipse.jetty.server.Server", null) && "jetty".equals(System.getProperty("expected.server")),
                "Jetty is not the server here");
        assertEquals(List.of(400, 403), CallbackApplicationTest.earlierValueThenGenuine(port,
                signature -> CallbackApplicationTest.swapCase(signature.substring(0, 1))));
        assertEquals(List.of(403, 403), CallbackApplicationTest.earlierValueThenGenuine(port, CallbackApplicationTest::swapCase));
    }
}
