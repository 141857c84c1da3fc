/**
 * Spring Cloud Gateway (server-webflux): {@link io.github.osscallback.gateway.OssCallbackGatewayFilterFactory}
 * verifies OSS callbacks at the edge, before routing, and forwards a verified callback with its exact
 * signed body; {@link io.github.osscallback.gateway.OssCallbackGatewayAutoConfiguration} registers it
 * with the verifier of the Spring Boot starter ({@code oss.callback.*} properties) or the application's own.
 */
package io.github.osscallback.gateway;
