package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.spi.CallbackEndpoint;
import io.github.osscallback.spi.ContainerCheck;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Registers OSS callback verification in a JAX-RS application in one call:
 * {@code register(new OssCallbackFeature(verifier))}, then annotate callback methods with
 * {@link OssCallbackVerified}. Needs only the {@code jakarta.ws.rs} API, so it runs on Jersey,
 * RESTEasy and other runtimes.
 *
 * <p>Registered by class instead, it configures itself from application properties named
 * {@value #PROPERTY_PREFIX} followed by a {@link io.github.osscallback.spi.VerifierSettings} name
 * (e.g. {@code oss.callback.keyUrlPrefixes}); a bad setting, or a property under
 * {@value #PROPERTY_PREFIX} that is no setting, fails {@link #configure} with an
 * {@link IllegalStateException} naming it (and the setting an unknown name most likely meant);
 * {@value OssEventFeature#PROPERTY_PREFIX} properties are {@link OssEventFeature}'s and left to it.
 * The verifier it builds then is its own: on Jersey it is closed, ending its key-fetch threads,
 * when Jersey shuts the application down. JAX-RS has no portable shutdown call for a feature, so
 * on other runtimes (e.g. RESTEasy) build the verifier yourself, pass it in, and close it when
 * the application stops.
 *
 * <p>OSS signs the path and query exactly as it sent them, which the JAX-RS API does not expose:
 * runtimes rebuild {@code UriInfo.getRequestUri()}, re-encoding characters. So the feature reads
 * the raw request target from the container underneath: the {@code HttpServletRequest} on any
 * servlet container (Jersey's servlet container, RESTEasy's servlet dispatcher), and Grizzly's
 * request under Jersey's Grizzly container, and under Jersey's JDK HTTP server container the
 * request URI with the server's ISO-8859-1 reading of the bytes undone. On other runtimes (e.g.
 * RESTEasy on Netty or Vert.x) it falls back to {@code UriInfo.getRequestUri()}, and a genuine
 * callback whose URL has characters that runtime re-encodes fails with {@code signature_mismatch}.
 *
 * <p>What a callback method answers is checked as OSS will take it: a reply that is not JSON, is
 * empty or is over 1 MB is logged as an error (OSS answers the uploader 203
 * {@code CallbackFailed}) and sent unchanged. Return a {@link io.github.osscallback.CallbackReply}
 * to be sure.
 *
 * <p>Quarkus REST (RESTEasy Reactive) ignores the reader, writer and interceptors a feature
 * registers, so every genuine callback to a method taking {@code OssCallback} would be refused there:
 * {@link #configure} fails start-up on it, naming {@code oss-callback-quarkus}, the extension to use.
 *
 * <p>On Jetty, set {@code HttpConfiguration.setHeaderCacheCaseSensitive(true)}: Jetty's default
 * header cache may hand the filter a signature whose letters changed case, which then fails.
 * Where the servlet request underneath can be reached, the feature reads that setting at its first
 * request and logs a warning if it is off.
 */
public final class OssCallbackFeature implements Feature {

    /** Prefix of the application properties read when no verifier is given. */
    public static final String PROPERTY_PREFIX = "oss.callback.";

    /** Rejections and container warnings are logged here, as the servlet filter logs under its own name. */
    private static final System.Logger LOG = System.getLogger(OssCallbackFeature.class.getName());

    private final CallbackVerifier verifier;

    /** Configured from application properties; see the class description. */
    public OssCallbackFeature() {
        this.verifier = null;
    }

    /** Uses the given verifier. */
    public OssCallbackFeature(CallbackVerifier verifier) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    @Override
    public boolean configure(FeatureContext context) {
        if (QuarkusRest.configures(context)) {
            throw new IllegalStateException(QuarkusRest.REFUSAL);
        }
        CallbackEndpoint endpoint;
        if (verifier == null) {
            Map<String, Object> properties = context.getConfiguration().getProperties();
            // oss.callback.events.* configure OssEventFeature, not callbacks.
            List<String> names = properties.keySet().stream()
                    .filter(name -> !name.startsWith(OssEventFeature.PROPERTY_PREFIX)).collect(Collectors.toList());
            endpoint = CallbackEndpoint.configured("OssCallbackFeature", "application properties", PROPERTY_PREFIX,
                    names, properties::get, LOG);
            if (RawTargetSources.jersey()) {
                context.register(new JerseyShutdown(endpoint));
            }
        } else {
            List<String> ignored = context.getConfiguration().getPropertyNames().stream()
                    .filter(name -> name.startsWith(PROPERTY_PREFIX) && !name.startsWith(OssEventFeature.PROPERTY_PREFIX))
                    .sorted().collect(Collectors.toList());
            if (!ignored.isEmpty()) {
                // The verifier passed in is configured in code; properties beside it would be a defence off silently.
                throw new IllegalStateException("OssCallbackFeature was given a verifier and application properties "
                        + ignored + ", which would not apply to it: configure the verifier in code, or register"
                        + " the feature by class and configure it from properties alone");
            }
            endpoint = CallbackEndpoint.of("OssCallbackFeature", verifier, LOG);
        }
        endpoint = endpoint.withContainerCheck(ContainerCheck.jettyHeaderCache());
        // The raw target must be in place before the verifying filter runs.
        for (ContainerRequestFilter source : RawTargetSources.available()) {
            context.register(source, Priorities.AUTHENTICATION - 1);
        }
        context.register(new OssCallbackRequestFilter(endpoint), Priorities.AUTHENTICATION);
        OneBinding.register(context);
        // Inside any entity encoder (ENTITY_CODER), so it reads the bytes the method produced.
        context.register(new ReplyCheckInterceptor(endpoint), Priorities.USER + 1000);
        context.register(new OssCallbackEntityInterceptor(), Priorities.ENTITY_CODER);
        context.register(new OssCallbackEntityReader());
        context.register(new CallbackReplyWriter());
        context.register(new CallbackRejectedExceptionMapper());
        return true;
    }
}
