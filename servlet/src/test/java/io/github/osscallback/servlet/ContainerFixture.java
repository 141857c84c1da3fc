package io.github.osscallback.servlet;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.OssCallback;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;

/** Starts a real servlet container on loopback with our filter (and any others) before one servlet. */
interface ContainerFixture extends AutoCloseable {

    /**
     * Starts the container.
     *
     * @param filter the filter instance, or null to declare {@link OssCallbackFilter} by class with init-params
     * @param initParams init-params for the by-class declaration
     * @return the base URL, including the context path
     */
    String start(String contextPath, String mapping, Filter filter, Map<String, String> initParams,
                 HttpServlet servlet) throws Exception;

    /**
     * Starts the container at the root context with filter instances, first to last, before the
     * servlet, every one of them and the servlet registered async-capable.
     *
     * @return the base URL
     */
    String startAsyncCapable(String mapping, List<Filter> filters, HttpServlet servlet) throws Exception;

    /**
     * Starts the container at the root context with the filter on {@code /cb/*} before a servlet
     * that answers every verified callback with OK: the set-up of the tests about the key host.
     *
     * @return the base URL
     */
    default String startAnsweringOk(CallbackVerifier verifier) throws Exception {
        return start("", "/cb/*", new OssCallbackFilter(verifier), Map.of(), new OssCallbackServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected CallbackReply handle(OssCallback callback, HttpServletRequest request) {
                return CallbackReply.ok();
            }
        });
    }

    @Override
    void close() throws Exception;
}
