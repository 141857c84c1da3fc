package io.github.osscallback.gateway;

import io.github.osscallback.CallbackVerifier;
import java.util.Objects;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.factory.AbstractGatewayFilterFactory;

/**
 * The {@code OssCallback} route filter of Spring Cloud Gateway (server-webflux): verifies each
 * request of its route as an OSS callback at the edge, before any other route filter and before
 * routing, without blocking the event loop. The signature is checked against the request target
 * OSS called, whatever path filters such as {@code StripPrefix} or {@code RewritePath} make of it
 * afterwards. A rejection is answered by the gateway itself (status, reason code, exact
 * Content-Length) and never reaches the downstream; a verified callback goes on with its exact
 * signed body and Content-Length, and with the header {@link #VERIFIED_HEADER} set by the gateway
 * (an incoming one is removed on every route). The downstream's reply is sent on with an exact
 * Content-Length, and one OSS would refuse is logged as an error.
 *
 * <pre>{@code
 * spring.cloud.gateway.server.webflux.routes:
 *   - id: oss-callbacks
 *     uri: http://uploads.internal:8080
 *     predicates: [ "Path=/oss/callback/**" ]
 *     filters: [ OssCallback ]
 * }</pre>
 *
 * <p>In the Java route DSL: {@code r.path("/oss/callback/**").filters(f -> f.filter(ossCallback.filter())).uri(...)}.
 * With the Spring Boot starter the auto-configuration registers this factory with the verifier
 * built from the {@code oss.callback.*} properties, or the application's own {@link CallbackVerifier} bean.
 */
public final class OssCallbackGatewayFilterFactory extends AbstractGatewayFilterFactory<Object> {

    /**
     * The request header the gateway sets on every verified callback it forwards, and removes from
     * every request that arrives with one: {@code signature, body=form} or {@code signature, body=json},
     * followed by {@code , body-problem} when the verifier read no unambiguous fields from the body or
     * a typed field is not a whole number (read nothing from such a body but its bytes). Proof only
     * to a downstream that nothing but this gateway can reach.
     */
    public static final String VERIFIED_HEADER = "X-OSS-Callback-Verified";

    private final GatewayFilter filter;
    private final CallbackVerifier verifier;

    /** A factory whose filters verify with this verifier, which stays the caller's to close. */
    public OssCallbackGatewayFilterFactory(CallbackVerifier verifier) {
        super(Object.class);
        VerifyingFilter.requireSupportedSpring();
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.filter = new VerifyingFilter(verifier);
    }

    /** The verifier. */
    public CallbackVerifier verifier() {
        return verifier;
    }

    /** The filter, for the Java route DSL: {@code f.filter(ossCallback.filter())}. */
    public GatewayFilter filter() {
        return filter;
    }

    /** The filter; the route's configuration holds no options. */
    @Override
    public GatewayFilter apply(Object config) {
        return filter;
    }
}
