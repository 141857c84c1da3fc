package io.github.osscallback.gateway;

import io.github.osscallback.CallbackVerifier;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/**
 * Registers the {@code OssCallback} route filter in a Spring Cloud Gateway server-webflux application,
 * with the verifier of the starter ({@code oss.callback.*} properties) or the application's own
 * {@link CallbackVerifier} bean, and the removal of {@link OssCallbackGatewayFilterFactory#VERIFIED_HEADER}
 * from every routed request. An application with this module but without Spring Cloud Gateway
 * server-webflux (server-webmvc, say) fails at start-up, since no callback there would be verified
 * by it.
 */
@AutoConfiguration(afterName = "io.github.osscallback.spring.OssCallbackReactiveAutoConfiguration",
        beforeName = "org.springframework.cloud.gateway.config.GatewayAutoConfiguration")
public class OssCallbackGatewayAutoConfiguration {

    static final String GATEWAY_FILTER = "org.springframework.cloud.gateway.filter.GatewayFilter";

    /** For Spring only. */
    public OssCallbackGatewayAutoConfiguration() {
    }

    /** Spring Cloud Gateway server-webflux: the filter factory and the header removal. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = GATEWAY_FILTER)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    static class ServerWebFlux {

        /** {@code filters: [OssCallback]}; an application's own factory bean wins. */
        @Bean
        @ConditionalOnMissingBean
        OssCallbackGatewayFilterFactory ossCallbackGatewayFilterFactory(CallbackVerifier verifier) {
            return new OssCallbackGatewayFilterFactory(verifier);
        }

        /** The gateway's mark is the gateway's only, on every route. */
        @Bean
        GlobalFilter ossCallbackVerifiedHeaderRemoval() {
            return new VerifiedHeaderRemoval();
        }
    }

    /** Anything else: refused at start-up rather than leaving callbacks unverified. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnMissingClass(GATEWAY_FILTER)
    static class NoServerWebFlux {

        @Bean
        @Lazy(false)
        InitializingBean ossCallbackGatewayUnsupported() {
            return () -> {
                throw new IllegalStateException(unsupported());
            };
        }
    }

    static String unsupported() {
        boolean webMvcGateway = isPresent("org.springframework.cloud.gateway.server.mvc.GatewayServerMvcAutoConfiguration");
        return "oss-callback-gateway verifies callbacks in Spring Cloud Gateway server-webflux"
                + " (spring-cloud-starter-gateway-server-webflux), which this application does not have"
                + (webMvcGateway ? " (it runs Spring Cloud Gateway server-webmvc)" : "")
                + ". In a servlet application depend on oss-callback-spring-boot-starter instead: its servlet filter"
                + " verifies oss.callback.paths before any handler";
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, OssCallbackGatewayAutoConfiguration.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
