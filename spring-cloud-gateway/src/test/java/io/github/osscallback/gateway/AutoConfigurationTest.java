package io.github.osscallback.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.spring.OssCallbackReactiveAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.cloud.gateway.filter.GlobalFilter;

/**
 * What the auto-configuration registers, and that an application in which the filter cannot work
 * does not start.
 */
class AutoConfigurationTest {

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(OssCallbackReactiveAutoConfiguration.class,
                    OssCallbackGatewayAutoConfiguration.class));

    @Test
    void theFactoryVerifiesWithTheVerifierFromTheStartersProperties() {
        runner.withPropertyValues("oss.callback.key-url-prefixes=http://127.0.0.1:1/keys/").run(context -> {
            assertEquals(null, context.getStartupFailure());
            OssCallbackGatewayFilterFactory factory = context.getBean(OssCallbackGatewayFilterFactory.class);
            assertSame(context.getBean(CallbackVerifier.class), factory.verifier());
            assertTrue(factory.verifier().keyUrlPolicy().toString().contains("127.0.0.1:1/keys/"));
            assertTrue(context.getBeansOfType(GlobalFilter.class).values().stream()
                    .anyMatch(VerifiedHeaderRemoval.class::isInstance));
        });
    }

    @Test
    void theApplicationsOwnVerifierIsUsed() {
        CallbackVerifier own = CallbackVerifier.builder().build();
        try {
            runner.withBean(CallbackVerifier.class, () -> own).run(context ->
                    assertSame(own, context.getBean(OssCallbackGatewayFilterFactory.class).verifier()));
        } finally {
            own.close();
        }
    }

    @Test
    void theApplicationsOwnFactoryWins() {
        CallbackVerifier own = CallbackVerifier.builder().build();
        try {
            OssCallbackGatewayFilterFactory mine = new OssCallbackGatewayFilterFactory(own);
            runner.withBean(OssCallbackGatewayFilterFactory.class, () -> mine).run(context ->
                    assertSame(mine, context.getBean(OssCallbackGatewayFilterFactory.class)));
        } finally {
            own.close();
        }
    }

    @Test
    void anApplicationWithoutGatewayServerWebFluxFailsAtStartUpSayingWhy() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.cloud.gateway.")).run(context -> {
            Throwable failure = context.getStartupFailure();
            assertNotNull(failure, "started without Spring Cloud Gateway server-webflux");
            Throwable cause = failure;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            assertEquals(IllegalStateException.class, cause.getClass());
            assertTrue(cause.getMessage().contains("spring-cloud-starter-gateway-server-webflux"), cause.getMessage());
            assertTrue(cause.getMessage().contains("oss-callback-spring-boot-starter"), cause.getMessage());
        });
    }
}
