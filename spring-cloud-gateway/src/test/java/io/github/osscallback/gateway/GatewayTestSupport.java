package io.github.osscallback.gateway;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The one gateway application every test class here runs against (one context, cached between the
 * classes): {@link EdgeApplication} on a random port, the verifier configured by
 * {@code oss.callback.key-url-prefixes}, routes to {@link Edge#DOWNSTREAM}.
 */
@SpringBootTest(classes = EdgeApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class GatewayTestSupport {

    static final String FORM = "application/x-www-form-urlencoded";

    @DynamicPropertySource
    static void edge(DynamicPropertyRegistry registry) {
        registry.add("oss.callback.key-url-prefixes", () -> Edge.TRUSTED.baseUrl() + "/oss/");
        registry.add("edge.downstream", Edge.DOWNSTREAM::baseUrl);
    }

    @LocalServerPort
    int port;
}
