package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A filter declared in web.xml fails to start, naming itself and the setting, never a secret value. */
class FilterInitTest {

    private static final String SECRET = "c2VjcmV0LXRoYXQtaXMtbm90LWxvbmc=";

    @Test
    void badInitParamNamesTheFilterAndTheSetting() {
        ServletException e = assertThrows(ServletException.class,
                () -> new OssCallbackFilter().init(config(Map.of("maxBodyBytes", "many"))));
        assertTrue(e.getMessage().startsWith("OssCallbackFilter 'oss' (init-params) is misconfigured: "), e.getMessage());
        assertTrue(e.getMessage().contains("maxBodyBytes"), e.getMessage());
    }

    @Test
    void unknownInitParamIsNamedWithTheNearestSetting() {
        ServletException e = assertThrows(ServletException.class,
                () -> new OssCallbackFilter().init(config(Map.of("maxBodyByte", "100"))));
        assertTrue(e.getMessage().contains("unknown setting 'maxBodyByte' (did you mean maxBodyBytes?)"), e.getMessage());
    }

    @Test
    void secretSettingIsNamedButNotQuoted() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("keyUrlPrefixes", "http://127.0.0.1:1/oss/");
        params.put("uploadTokenKeys", SECRET);
        ServletException e = assertThrows(ServletException.class, () -> new OssCallbackFilter().init(config(params)));
        assertTrue(e.getMessage().contains("uploadTokenKeys"), e.getMessage());
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(SECRET.substring(0, 8)), t.getMessage());
        }
    }

    private static FilterConfig config(Map<String, String> params) {
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return "oss";
            }

            @Override
            public ServletContext getServletContext() {
                throw new UnsupportedOperationException("not needed to configure the filter");
            }

            @Override
            public String getInitParameter(String name) {
                return params.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(params.keySet());
            }
        };
    }
}
