package io.github.osscallback.spring;

import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;

/** Jetty's side of {@link JettyHeaderCacheRegistrar}: loaded only when Jetty is there. */
final class JettyHeaderCache {

    private JettyHeaderCache() {
    }

    /** Boot has created the connectors when customizers run, and nothing has been accepted yet. */
    static void makeCaseSensitive(Object server) {
        for (Connector connector : ((Server) server).getConnectors()) {
            for (ConnectionFactory factory : connector.getConnectionFactories()) {
                if (factory instanceof HttpConfiguration.ConnectionFactory http) {
                    http.getHttpConfiguration().setHeaderCacheCaseSensitive(true);
                }
            }
        }
    }
}
