package io.github.osscallback.spring;

import io.github.osscallback.OssCallback;
import io.github.osscallback.servlet.OssCallbacks;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Hands Spring MVC handlers the {@link OssCallback} the filter verified, or a type bound from it
 * with {@link OssCallbackBody}. A request the filter did not verify (a handler outside
 * {@code oss.callback.paths}) never reaches the handler: it fails closed with
 * {@link UnverifiedCallbackException}.
 */
final class CallbackArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.hasParameterAnnotation(OssCallbackBody.class) || parameter.getParameterType() == OssCallback.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest webRequest,
                                  WebDataBinderFactory binderFactory) throws Exception {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        Optional<OssCallback> verified = request == null ? Optional.empty() : OssCallbacks.find(request);
        OssCallback callback = verified.orElseThrow(() -> new UnverifiedCallbackException(parameter));
        if (!parameter.hasParameterAnnotation(OssCallbackBody.class)) {
            return callback;
        }
        // Throws CallbackRejectedException (malformed_body), answered by CallbackExceptionResolver.
        return callback.bind(parameter.getParameterType());
    }
}
