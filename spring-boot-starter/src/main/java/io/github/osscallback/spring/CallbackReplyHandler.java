package io.github.osscallback.spring;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.servlet.OssCallbacks;
import jakarta.servlet.http.HttpServletResponse;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodParameter;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodReturnValueHandler;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter;

/**
 * Writes a {@link CallbackReply} a handler returns exactly as the filter writes its own replies
 * (status, JSON, exact Content-Length). Placed before Spring's own handlers: otherwise
 * {@code @ResponseBody} would look for a message converter for it and answer 406.
 */
final class CallbackReplyHandler implements HandlerMethodReturnValueHandler {

    @Override
    public boolean supportsReturnType(MethodParameter returnType) {
        return CallbackReply.class.isAssignableFrom(returnType.getParameterType());
    }

    @Override
    public void handleReturnValue(Object value, MethodParameter returnType, ModelAndViewContainer container,
                                  NativeWebRequest webRequest) throws Exception {
        container.setRequestHandled(true);
        if (value == null) {
            throw new IllegalStateException(returnType.getExecutable().toGenericString()
                    + " returned no CallbackReply; return CallbackReply.ok() to acknowledge the callback");
        }
        OssCallbacks.reply(webRequest.getNativeResponse(HttpServletResponse.class), (CallbackReply) value);
    }

    /** Puts the handler first on every {@link RequestMappingHandlerAdapter}. */
    static final class First implements BeanPostProcessor {
        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (bean instanceof RequestMappingHandlerAdapter adapter && adapter.getReturnValueHandlers() != null) {
                List<HandlerMethodReturnValueHandler> handlers = new ArrayList<>();
                handlers.add(new CallbackReplyHandler());
                handlers.addAll(adapter.getReturnValueHandlers());
                adapter.setReturnValueHandlers(handlers);
            }
            return bean;
        }
    }
}
