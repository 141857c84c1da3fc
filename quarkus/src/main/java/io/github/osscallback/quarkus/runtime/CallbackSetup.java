package io.github.osscallback.quarkus.runtime;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.spi.CallbackEndpoint;
import io.github.osscallback.spi.CallbackPaths;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/**
 * The endpoint every verified request goes through, built at start-up so that a bad or unknown
 * {@code oss.callback.*} property fails the application before it takes a request. The verifier
 * is built from the properties, unless the application produces its own {@link CallbackVerifier}
 * bean (then verifier properties are refused: they would be ignored).
 */
@Singleton
@Startup
public class CallbackSetup {

    /** The adapter's name in rejections, warnings and configuration errors. */
    static final String NAME = "oss-callback-quarkus";
    static final System.Logger LOG = System.getLogger("io.github.osscallback.quarkus");

    private final CallbackEndpoint endpoint;
    private final CallbackPaths paths;

    @Inject
    public CallbackSetup(Config config, Instance<CallbackVerifier> ownVerifier) {
        CallbackSettings.refuseUnknown(config);
        this.paths = CallbackSettings.paths(config);
        Map<String, String> settings = CallbackSettings.verifierSettings(config);
        if (ownVerifier.isResolvable()) {
            if (!settings.isEmpty()) {
                List<String> set = new ArrayList<>();
                settings.keySet().forEach(name -> set.add(CallbackSettings.propertyName(name)));
                throw new IllegalStateException(String.join(", ", set) + (set.size() == 1 ? " is" : " are")
                        + " set, but the application produces its own CallbackVerifier bean, which oss.callback"
                        + " properties do not configure: remove the properties or the bean");
            }
            this.endpoint = CallbackEndpoint.of(NAME, ownVerifier.get(), LOG);
        } else {
            // Names are the setting names themselves (prefix ""): unknown properties were refused above.
            try {
                this.endpoint = CallbackEndpoint.configured(NAME, "application.properties", "", settings.keySet(),
                        settings::get, LOG);
            } catch (IllegalStateException e) {
                // The messages name settings and never quote a secret; say the property names instead.
                throw new IllegalStateException(CallbackSettings.inPropertyNames(e.getMessage()), e);
            }
        }
    }

    CallbackEndpoint endpoint() {
        return endpoint;
    }

    /** Whether a request to this path (decoded, relative to the application root) is verified by path. */
    boolean coversPath(String path) {
        return paths.matches(path);
    }

    @PreDestroy
    void close() {
        endpoint.close();
    }
}
