package io.github.osscallback.jaxrs;

import io.github.osscallback.spi.CallbackEndpoint;
import org.glassfish.jersey.server.spi.Container;
import org.glassfish.jersey.server.spi.ContainerLifecycleListener;

/**
 * Closes the endpoint when Jersey shuts the application down (or replaces it on reload), so a
 * verifier the feature built from application properties ends its key-fetch threads. JAX-RS has
 * no portable shutdown call for a feature's components; registered only when Jersey is present.
 */
final class JerseyShutdown implements ContainerLifecycleListener {

    private final CallbackEndpoint endpoint;

    JerseyShutdown(CallbackEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void onStartup(Container container) {
    }

    @Override
    public void onReload(Container container) {
    }

    @Override
    public void onShutdown(Container container) {
        endpoint.close();
    }
}
