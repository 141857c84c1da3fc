package io.github.osscallback.jaxrs;

import io.github.osscallback.BodyType;
import io.github.osscallback.OssCallback;
import jakarta.ws.rs.core.Form;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Supplies the verified {@link OssCallback} when a {@link OssCallbackVerified} method declares it
 * as its entity parameter, and gives every other entity parameter the signed bytes. For a form
 * callback the entity stream the filter left holds the verified fields re-encoded, which is what
 * the runtime's form readers see ({@code @FormParam}, read by some runtimes straight from that
 * stream, and {@code Form} and {@code MultivaluedMap} entities): runtimes decode forms with
 * {@code java.net.URLDecoder}, which reads more than the verifier does (any Unicode digit as hex,
 * a sign before one), but given text that spells each verified name and value with unreserved
 * characters and {@code %XX} escapes of UTF-8 every decoder reads the verifier's fields, and a body
 * with no readable fields reads as an empty form.
 */
@OssCallbackVerified
final class OssCallbackEntityInterceptor implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Object verified = context.getProperty(OssCallbackRequestFilter.PROPERTY);
        if (verified instanceof OssCallback) {
            OssCallback callback = (OssCallback) verified;
            Class<?> type = context.getType();
            if (type == OssCallback.class) {
                return callback;
            }
            boolean formReader = Form.class.isAssignableFrom(type) || MultivaluedMap.class.isAssignableFrom(type);
            if (callback.bodyType() == BodyType.FORM && !formReader) {
                context.setInputStream(new ByteArrayInputStream(callback.body()));
            }
        }
        return context.proceed();
    }

    /** The verified form fields, each name and value URL-encoded as UTF-8; nothing for a JSON body. */
    static byte[] reencoded(OssCallback callback) {
        if (callback.bodyType() != BodyType.FORM) {
            return new byte[0];
        }
        StringBuilder form = new StringBuilder();
        for (Map.Entry<String, String> field : callback.fields().entrySet()) {
            if (form.length() > 0) {
                form.append('&');
            }
            form.append(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
        }
        return form.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
