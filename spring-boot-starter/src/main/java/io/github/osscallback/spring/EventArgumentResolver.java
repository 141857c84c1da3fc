package io.github.osscallback.spring;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.OssEvent;
import io.github.osscallback.servlet.OssEvents;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Hands Spring MVC handlers the {@link EventDelivery} the event filter verified, or its one
 * {@link OssEvent}. A request the filter did not verify never reaches the handler; nor does an
 * {@code OssEvent} parameter take one event of several (the others would be lost): both fail
 * with an {@link IllegalStateException} naming the fix, so the delivery is released and retried.
 */
final class EventArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == EventDelivery.class || parameter.getParameterType() == OssEvent.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer container, NativeWebRequest webRequest,
                                  WebDataBinderFactory binderFactory) {
        HttpServletRequest request = webRequest.getNativeRequest(HttpServletRequest.class);
        Optional<EventDelivery> verified = request == null ? Optional.empty() : OssEvents.find(request);
        EventDelivery delivery = verified.orElseThrow(() -> new IllegalStateException("handler "
                + parameter.getExecutable() + " takes a verified OSS event, but OssEventFilter did not verify this"
                + " request: add its path to oss.callback.events.paths"));
        return parameter.getParameterType() == EventDelivery.class ? delivery : onlyEvent(delivery, parameter);
    }

    /** The delivery's one OSS event; a handler of one event cannot take a delivery of none or several. */
    static OssEvent onlyEvent(EventDelivery delivery, MethodParameter parameter) {
        if (delivery.ossEvents().size() != 1) {
            throw new IllegalStateException("handler " + parameter.getExecutable() + " takes one OssEvent, and "
                    + delivery + " holds " + delivery.ossEvents().size() + ": take EventDelivery and handle each of"
                    + " its ossEvents()");
        }
        return delivery.ossEvents().get(0);
    }
}
