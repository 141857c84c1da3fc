package io.github.osscallback.solon;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.ReplayStore;
import io.github.osscallback.spi.ContainerCheck;
import io.github.osscallback.spi.EventEndpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.noear.solon.core.AppContext;
import org.noear.solon.core.Constants;
import org.noear.solon.core.Plugin;
import org.noear.solon.core.PluginEntity;
import org.noear.solon.core.Props;

/**
 * The Solon plugin: Solon loads it from the jar ({@code META-INF/solon}) and it verifies every
 * request to {@code oss.callback.paths} (default {@code /oss/callback/*}) with a verifier built
 * from the {@code oss.callback.*} properties, the Spring starter's names, with the application's
 * {@code ReplayStore} and {@code CallbackListener} beans; or with the application's own
 * {@code CallbackVerifier} bean, beside which verifier properties are refused. An unknown
 * {@code oss.callback.*} name, a bad value, or a server whose request target it cannot read
 * fails start-up with a message. Actions take {@link io.github.osscallback.OssCallback} as a
 * parameter and return {@link io.github.osscallback.CallbackReply}, a Map or any JSON body.
 *
 * <p>With any {@code oss.callback.events.*} property, or an application's own
 * {@code EventVerifier} bean, it also verifies OSS event deliveries (MNS, EventBridge) on
 * {@code oss.callback.events.paths} (default {@code /oss/events/*}, never a callback path);
 * actions take {@link io.github.osscallback.EventDelivery} as a parameter, or use {@link OssEvents}.
 */
public final class OssCallbackPlugin implements Plugin {

    /** Runs after Solon's context-path, i18n and CORS filters, before the application's usual ones (index 0). */
    static final int FILTER_INDEX = -900;

    private static final System.Logger LOG = System.getLogger(OssCallbackPlugin.class.getName());
    /** Server plugins whose requests {@link RawTarget} reads, each tested with the raw-target matrix. */
    private static final List<String> SERVERS = List.of(
            "org.noear.solon.server.smarthttp.integration.SmHttpPlugin",
            "org.noear.solon.server.jetty.integration.JettyPlugin");

    private volatile PluginVerifier verifier;
    private volatile EventEndpoint eventEndpoint;

    /** For Solon, which creates the plugin from {@code META-INF/solon}. */
    public OssCallbackPlugin() {
    }

    @Override
    public void start(AppContext context) {
        refuseUnknownServers(context.app().cfg().plugins());
        CallbackSettings settings = CallbackSettings.read(properties(context.cfg()));
        // Before the server plugins start (this plugin's priority is higher), so Jetty's Server is seen as it is published.
        context.app().onEvent(Object.class, JettyHeaders::onEvent);
        context.app().chainManager().addArgumentResolver(new CallbackArguments());
        context.app().chainManager().addReturnHandler(new CallbackReplies());
        // Once the application's beans are built (its own verifier, a replay store, listeners), and before the
        // servers start taking requests (their lifecycle runs at 99); a failure here stops the application.
        context.lifecycle(Constants.LF_IDX_PLUGIN_BEAN_USES, () -> {
            PluginVerifier built = PluginVerifier.of(settings.verifierSettings(),
                    context.getBeansOfType(CallbackVerifier.class), context.getBeansOfType(ReplayStore.class),
                    context.getBeansOfType(CallbackListener.class));
            verifier = built;
            context.app().filter(FILTER_INDEX, new CallbackFilter(
                    built.endpoint().withContainerCheck(ContainerCheck.jettyHeaderCache()), settings.paths()));
            EventEndpoint events = null;
            try {
                events = PluginVerifier.events(settings.eventSettings(), settings.eventPathsSet(),
                        context.getBeansOfType(EventVerifier.class));
                if (events != null) {
                    context.app().filter(FILTER_INDEX, new EventFilter(
                            events.withContainerCheck(ContainerCheck.jettyHeaderCache()), settings.eventPaths()));
                }
            } catch (RuntimeException e) {
                if (events != null) {
                    events.close();
                }
                verifier = null;
                built.close();
                throw e;
            }
            eventEndpoint = events;
        });
    }

    /** Closes the verifier the plugin built, ending its key-fetch threads; an application's own stays open. */
    @Override
    public void stop() {
        PluginVerifier built = verifier;
        if (built != null) {
            built.close();
        }
        EventEndpoint events = eventEndpoint;
        if (events != null) {
            events.close();
        }
    }

    /** Every property, defaults included, by name. */
    private static Map<String, String> properties(Props props) {
        Map<String, String> all = new LinkedHashMap<>();
        props.forEach((key, value) -> {
            if (key instanceof String && value instanceof String) {
                all.put((String) key, (String) value);
            }
        });
        return all;
    }

    /**
     * Fails start-up on an HTTP server plugin whose request target this cannot read: callbacks
     * would otherwise be refused one by one, or verified against a decoded path.
     */
    static void refuseUnknownServers(List<PluginEntity> plugins) {
        List<String> unknown = new ArrayList<>();
        for (PluginEntity plugin : plugins) {
            String name = plugin.getClassName();
            if (name == null && plugin.getPlugin() != null) {
                name = plugin.getPlugin().getClass().getName();
            }
            if (name != null && name.startsWith("org.noear.solon.server.") && name.contains(".integration.")
                    && !name.toLowerCase(java.util.Locale.ROOT).contains("socket") && !SERVERS.contains(name)) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("OssCallbackPlugin cannot read the request target as sent on the server "
                    + unknown + ", so it cannot verify OSS callbacks there; run the application on solon-server-smarthttp"
                    + " (solon-web's server) or solon-server-jetty");
        }
    }
}
