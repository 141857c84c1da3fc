package io.github.osscallback.spi;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;

/**
 * Reads, from a request object of a Jetty server, whether that connection's header cache is
 * case-sensitive. By default Jetty looks header values up in a per-connection cache ignoring
 * case, so a signature can arrive with the case of an earlier request's value and fail. Read by
 * reflection on the request object itself: the library never depends on Jetty, and a web
 * application deployed in Jetty cannot even see Jetty's classes.
 */
enum JettyHeaderCache {
    /** Not a Jetty request. */
    NOT_JETTY,
    CASE_SENSITIVE,
    CASE_INSENSITIVE,
    /**
     * Jetty 9.4: its cache ignores case and has no switch for that; only turning the cache off
     * ({@code setHeaderCacheSize(0)}) keeps a signature as sent.
     */
    CASE_INSENSITIVE_WITHOUT_SWITCH,
    /** A Jetty request whose configuration could not be reached (a Jetty version with other types). */
    UNKNOWN;

    /** Paths from a request to its connection's {@code HttpConfiguration}, newest Jetty first. */
    private static final List<List<String>> TO_CONFIGURATION = List.of(
            // Jetty 12 servlet request (ee10, ee11) -> core Request -> ConnectionMetaData
            List.of("getRequest", "getConnectionMetaData", "getHttpConfiguration"),
            // Jetty 12 core Request
            List.of("getConnectionMetaData", "getHttpConfiguration"),
            // Jetty 9 to 11, and Jetty 12 ee8/ee9 nested requests
            List.of("getHttpChannel", "getHttpConfiguration"));

    static JettyHeaderCache of(Object request) {
        if (request == null || !request.getClass().getName().startsWith("org.eclipse.jetty.")) {
            return NOT_JETTY;
        }
        for (List<String> path : TO_CONFIGURATION) {
            try {
                Object value = request;
                for (String getter : path) {
                    value = value == null ? null : invokePublic(value, getter);
                }
                if (value != null) {
                    return ofConfiguration(value);
                }
            } catch (ReflectiveOperationException | RuntimeException | LinkageError tryTheNextPath) {
                // Another Jetty generation: its types differ.
            }
        }
        return UNKNOWN;
    }

    /** {@link ContainerCheck#jettyHeaderCache()}: warns, under the adapter's name, when the cache can change a signature. */
    static void check(Object containerRequest, String name, System.Logger log) {
        switch (of(containerRequest)) {
            case CASE_INSENSITIVE:
                log.log(System.Logger.Level.WARNING, "{0} runs on Jetty with HttpConfiguration headerCacheCaseSensitive"
                        + " false: Jetty may hand over a signature whose letters changed case to an earlier request''s,"
                        + " and the genuine callback then fails with signature_mismatch. Call"
                        + " HttpConfiguration.setHeaderCacheCaseSensitive(true) (see the oss-callback README)", name);
                break;
            case CASE_INSENSITIVE_WITHOUT_SWITCH:
                log.log(System.Logger.Level.WARNING, "{0} runs on Jetty 9.4 with its header cache on: Jetty may hand over"
                        + " a signature whose letters changed case to an earlier request''s, and the genuine callback then"
                        + " fails with signature_mismatch. Jetty 9.4 cannot make the cache case-sensitive: call"
                        + " HttpConfiguration.setHeaderCacheSize(0) (see the oss-callback docs/containers.md)", name);
                break;
            case UNKNOWN:
                log.log(System.Logger.Level.INFO, "{0} runs on Jetty but could not read its HttpConfiguration: make sure"
                        + " it has setHeaderCacheCaseSensitive(true), or genuine callbacks may fail with"
                        + " signature_mismatch (see the oss-callback README)", name);
                break;
            default:
                break;
        }
    }

    private static JettyHeaderCache ofConfiguration(Object configuration) throws ReflectiveOperationException {
        // Without a cache nothing is rewritten, whatever the case setting says.
        Object size = invokeIfPresent(configuration, "getHeaderCacheSize");
        if (size instanceof Integer && (Integer) size == 0) {
            return CASE_SENSITIVE;
        }
        Object sensitive = invokeIfPresent(configuration, "isHeaderCacheCaseSensitive");
        if (sensitive instanceof Boolean) {
            return (Boolean) sensitive ? CASE_SENSITIVE : CASE_INSENSITIVE;
        }
        return size instanceof Integer ? CASE_INSENSITIVE_WITHOUT_SWITCH : UNKNOWN;
    }

    private static Object invokeIfPresent(Object target, String name) throws ReflectiveOperationException {
        return publicMethod(target.getClass(), name) == null ? null : invokePublic(target, name);
    }

    /** Calls a public no-argument method through a public type declaring it, as reflection requires. */
    private static Object invokePublic(Object target, String name) throws ReflectiveOperationException {
        Method method = publicMethod(target.getClass(), name);
        if (method == null) {
            throw new NoSuchMethodException(name);
        }
        return method.invoke(target);
    }

    private static Method publicMethod(Class<?> type, String name) {
        if (type == null) {
            return null;
        }
        if (Modifier.isPublic(type.getModifiers())) {
            try {
                Method method = type.getMethod(name);
                if (Modifier.isPublic(method.getDeclaringClass().getModifiers())) {
                    return method;
                }
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
        for (Class<?> face : type.getInterfaces()) {
            Method method = publicMethod(face, name);
            if (method != null) {
                return method;
            }
        }
        return publicMethod(type.getSuperclass(), name);
    }
}
