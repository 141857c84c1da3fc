package io.github.osscallback.boot27;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.servlet.OssCallbackFilter;
import javax.servlet.Filter;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

/**
 * A Spring Boot 2.7 application registering the javax filter as docs/containers.md shows: first of
 * all filters, for the callback path only. Behind it, a filter of the application's own reads a form
 * parameter, as request loggers and Spring's HiddenHttpMethodFilter do: it must not take the body
 * the filter verified from the controller.
 */
@SpringBootApplication
public class CallbackApplication {

    /** The request attribute where the parameter-reading filter leaves what it read. */
    static final String READ_BY_LATER_FILTER = "test.readByLaterFilter";

    @Bean
    FilterRegistrationBean<OssCallbackFilter> ossCallbackFilter(@Value("${oss.key-url-prefix}") String keyUrlPrefix) {
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyUrlPrefix).build())
                .maxBodyBytes(1024)
                .build();
        FilterRegistrationBean<OssCallbackFilter> registration = new FilterRegistrationBean<>(new OssCallbackFilter(verifier));
        registration.addUrlPatterns("/oss/callback/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    FilterRegistrationBean<Filter> parameterReadingFilter() {
        Filter readsParameter = (request, response, chain) -> {
            request.setAttribute(READ_BY_LATER_FILTER, String.valueOf(request.getParameter("object")));
            chain.doFilter(request, response);
        };
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(readsParameter);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }
}
