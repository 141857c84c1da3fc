package io.github.osscallback.jaxrs;

import io.github.osscallback.spi.EventEndpoint;
import org.glassfish.jersey.server.ContainerResponse;
import org.glassfish.jersey.server.monitoring.ApplicationEvent;
import org.glassfish.jersey.server.monitoring.ApplicationEventListener;
import org.glassfish.jersey.server.monitoring.RequestEvent;
import org.glassfish.jersey.server.monitoring.RequestEventListener;
import org.glassfish.jersey.server.spi.Container;
import org.glassfish.jersey.server.spi.ContainerLifecycleListener;

/**
 * The event feature's hooks into Jersey, registered only on Jersey. Some failures reach no
 * response filter, so {@link OssEventRequestFilter} never hears of them: on Jersey 3.0, which has
 * no default exception mapper, an exception no mapper maps is handed to the container as it is;
 * on any version, an answer whose writing fails once the response is committed (a streamed entity
 * that throws) cannot be mapped to another response. Jersey's {@link RequestEvent.Type#FINISHED}
 * event comes for every request; a delivery still on the request then, whose processing did not
 * succeed, is told to the endpoint as failed (500), so the sender's retry reaches the method. The
 * exception itself goes on untouched. The listener is one shared object and does nothing for
 * requests that carry no delivery. Also closes an endpoint the feature built when Jersey shuts
 * the application down.
 */
final class JerseyEvents implements ApplicationEventListener, RequestEventListener, ContainerLifecycleListener {

    private final EventEndpoint endpoint;
    private final boolean owned;

    /**
     * @param owned whether the feature built the endpoint, and so closes it at shutdown
     */
    JerseyEvents(EventEndpoint endpoint, boolean owned) {
        this.endpoint = endpoint;
        this.owned = owned;
    }

    @Override
    public void onEvent(ApplicationEvent event) {
    }

    @Override
    public RequestEventListener onRequest(RequestEvent requestEvent) {
        return this;
    }

    @Override
    public void onEvent(RequestEvent event) {
        if (event.getType() != RequestEvent.Type.FINISHED || event.getContainerRequest() == null) {
            return;
        }
        Object delivery = event.getContainerRequest().getProperty(OssEvents.PROPERTY);
        if (delivery == null) {
            return;
        }
        ContainerResponse response = event.getContainerResponse();
        int status = response != null && event.isSuccess() ? response.getStatus() : 500;
        OssEventRequestFilter.finish(endpoint, delivery, status, event.getContainerRequest()::removeProperty);
    }

    @Override
    public void onStartup(Container container) {
    }

    @Override
    public void onReload(Container container) {
    }

    @Override
    public void onShutdown(Container container) {
        if (owned) {
            endpoint.close();
        }
    }
}
