package io.github.osscallback.solon;

import java.lang.reflect.Method;
import org.noear.solon.core.handle.Context;

/**
 * The request target exactly as the client sent it, which OSS signed. Solon's own views are
 * decoded ({@code path()}, {@code queryString()}) or rebuilt through {@code java.net.URI}
 * ({@code uri()}, which refuses characters OSS sends raw), so this reads the server's request:
 * smart-http's (solon-web's server) and a servlet container's (solon-server-jetty) keep path and
 * query as received.
 */
final class RawTarget {

    /** The server's request types this reads, by name: each is loaded only if its server is present. */
    private static final String[] SERVLET_REQUESTS = {
        "jakarta.servlet.http.HttpServletRequest", "javax.servlet.http.HttpServletRequest"};

    final String path;
    final String query;

    private RawTarget(String path, String query) {
        this.path = path;
        this.query = query;
    }

    /** The target of this request, or null when its server is none this reads. */
    static RawTarget of(Context ctx) {
        Object request = ctx.request();
        if (SmartHttp.PRESENT && SmartHttp.is(request)) {
            return SmartHttp.target(request);
        }
        for (String type : SERVLET_REQUESTS) {
            Servlet servlet = Servlet.of(type);
            if (servlet != null && servlet.type.isInstance(request)) {
                return servlet.target(request);
            }
        }
        return null;
    }

    /** smart-http, the server solon-web brings: its request keeps the path and the query as received. */
    private static final class SmartHttp {
        static final boolean PRESENT = present("org.smartboot.http.server.HttpRequest");

        static boolean is(Object request) {
            return request instanceof org.smartboot.http.server.HttpRequest;
        }

        static RawTarget target(Object request) {
            org.smartboot.http.server.HttpRequest r = (org.smartboot.http.server.HttpRequest) request;
            return new RawTarget(r.getRequestURI(), utf8(r.getQueryString()));
        }

        /**
         * smart-http makes each byte of the query a char, sign-extended (0xE4 becomes U+FFE4);
         * OSS sends and signs raw UTF-8 there. Its path is decoded with the JVM's default charset,
         * UTF-8 since Java 18 (or with {@code -Dfile.encoding=UTF-8}).
         */
        static String utf8(String query) {
            if (query == null) {
                return null;
            }
            byte[] bytes = new byte[query.length()];
            boolean ascii = true;
            for (int i = 0; i < bytes.length; i++) {
                char c = query.charAt(i);
                bytes[i] = (byte) c;
                ascii &= c < 0x80;
            }
            return ascii ? query : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** A servlet request, through the interface's public methods (jakarta or javax, whichever runs). */
    private static final class Servlet {
        private static final java.util.Map<String, Servlet> KNOWN = new java.util.concurrent.ConcurrentHashMap<>();
        private static final Servlet ABSENT = new Servlet(null, null, null);

        final Class<?> type;
        final Method requestUri;
        final Method queryString;

        private Servlet(Class<?> type, Method requestUri, Method queryString) {
            this.type = type;
            this.requestUri = requestUri;
            this.queryString = queryString;
        }

        static Servlet of(String name) {
            Servlet servlet = KNOWN.computeIfAbsent(name, n -> {
                try {
                    Class<?> type = Class.forName(n, false, RawTarget.class.getClassLoader());
                    return new Servlet(type, type.getMethod("getRequestURI"), type.getMethod("getQueryString"));
                } catch (ClassNotFoundException | NoSuchMethodException | LinkageError e) {
                    return ABSENT;
                }
            });
            return servlet == ABSENT ? null : servlet;
        }

        RawTarget target(Object request) {
            try {
                return new RawTarget((String) requestUri.invoke(request), (String) queryString.invoke(request));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read the servlet request's target", e);
            }
        }
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, RawTarget.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
