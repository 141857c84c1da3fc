package io.github.osscallback.boot27;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.servlet.OssCallbacks;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The application's callback handlers, behind the filter; they answer with what they could read. */
@RestController
class UploadController {

    final AtomicInteger calls = new AtomicInteger();

    /** Written with {@link OssCallbacks#reply}, which gives OSS the exact Content-Length it requires. */
    @PostMapping("/oss/callback/form")
    void form(HttpServletRequest request, HttpServletResponse response) throws IOException {
        calls.incrementAndGet();
        OssCallback callback = OssCallbacks.from(request);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("bucket", callback.bucket().orElse(null));
        reply.put("object", callback.object().orElse(null));
        reply.put("param", request.getParameter("object"));
        reply.put("readByLaterFilter", request.getAttribute(CallbackApplication.READ_BY_LATER_FILTER));
        OssCallbacks.reply(response, CallbackReply.json(reply));
    }

    /** Spring MVC reads the JSON body again, from the copy the filter kept, and writes the reply. */
    @PostMapping("/oss/callback/json")
    Map<String, Object> json(@RequestBody Map<String, Object> body, HttpServletRequest request) {
        calls.incrementAndGet();
        OssCallback callback = OssCallbacks.from(request);
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("object", callback.object().orElse(null));
        reply.put("uid", callback.customVariables().get("x:uid"));
        reply.put("bodyAsSpringReadIt", body);
        return reply;
    }

    /** Every request-parameter view Spring MVC offers, beside the verifier's own reading. */
    @PostMapping("/oss/callback/views")
    Map<String, Object> views(HttpServletRequest request,
                              @RequestParam(name = "object", required = false) String objectJoined,
                              @RequestParam(name = "bucket", required = false) String bucketJoined,
                              @RequestParam MultiValueMap<String, String> all) {
        calls.incrementAndGet();
        OssCallback callback = OssCallbacks.from(request);
        // The request's own values: Spring 5.3 converts one empty value into an empty list or array.
        Map<String, Object> values = new LinkedHashMap<>();
        for (String name : io.github.osscallback.fixtures.ReadingCase.PROBES) {
            values.put(name, request.getParameterValues(name));
        }
        String[] object = request.getParameterValues("object");
        String[] bucket = request.getParameterValues("bucket");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fields", callback.fields());
        out.put("query", callback.queryParameters());
        out.put("merged", all);
        out.put("values", values);
        if (!Objects.equals(objectJoined, object == null ? null : String.join(",", object))
                || !Objects.equals(bucketJoined, bucket == null ? null : String.join(",", bucket))) {
            out.put("inconsistent", "@RequestParam String object");
        }
        return out;
    }
}
