package io.github.osscallback.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The callback an uploader asked for: {@code x-oss-callback} (or the PostObject {@code callback}
 * field) decoded, with the custom variables of {@code x-oss-callback-var} (or the PostObject
 * {@code x:} fields). Parsed before the object is stored, as OSS refuses a malformed one with 400.
 */
final class CallbackSpec {

    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";

    final List<String> urls;
    final String host;
    final String bodyTemplate;
    final String bodyType;
    final Map<String, String> variables;

    private CallbackSpec(List<String> urls, String host, String bodyTemplate, String bodyType,
                         Map<String, String> variables) {
        this.urls = urls;
        this.host = host;
        this.bodyTemplate = bodyTemplate;
        this.bodyType = bodyType;
        this.variables = variables;
    }

    /** A request the stand-in refuses as OSS would, with OSS's error code and message. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses the base64 callback parameter and the custom variables: a base64
     * {@code x-oss-callback-var} JSON object, merged with {@code x:} form fields (either may be null).
     */
    static CallbackSpec parse(String callbackBase64, String varBase64, Map<String, String> formVariables)
            throws Invalid {
        Map<String, String> callback = decodeObject(callbackBase64, "callback");
        String url = callback.get("callbackUrl");
        String body = callback.get("callbackBody");
        if (url == null || url.isBlank()) {
            throw new Invalid("The callback configuration has no callbackUrl.");
        }
        if (body == null) {
            throw new Invalid("The callback configuration has no callbackBody.");
        }
        List<String> urls = new ArrayList<>();
        for (String one : url.split(";")) {
            if (!one.isBlank()) {
                urls.add(one.trim());
            }
        }
        if (urls.isEmpty() || urls.size() > 5) {
            throw new Invalid("The callbackUrl must name 1 to 5 URLs, it names " + urls.size() + ".");
        }
        String bodyType = callback.getOrDefault("callbackBodyType", FORM);
        if (!bodyType.equals(FORM) && !bodyType.equals(JSON)) {
            throw new Invalid("The callbackBodyType is not supported: " + bodyType);
        }
        Map<String, String> variables = new LinkedHashMap<>();
        if (varBase64 != null) {
            variables.putAll(decodeObject(varBase64, "callback-var"));
        }
        variables.putAll(formVariables);
        // Only x: names are custom variables; others could not be named by a template anyway.
        variables.keySet().removeIf(name -> !name.startsWith("x:"));
        return new CallbackSpec(List.copyOf(urls), callback.get("callbackHost"), body, bodyType, variables);
    }

    private static Map<String, String> decodeObject(String base64, String what) throws Invalid {
        String json;
        try {
            json = new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Invalid("The " + what + " is not base64 encoded.");
        }
        try {
            return StandInJson.object(json);
        } catch (IllegalArgumentException e) {
            throw new Invalid("The " + what + " configuration is not json format.");
        }
    }

    /** The body OSS would send, rendered from the template with these system values. */
    byte[] render(Map<String, String> systemValues) {
        Map<String, String> values = new LinkedHashMap<>(systemValues);
        values.putAll(variables);
        String rendered = bodyType.equals(JSON)
                ? OssTemplate.renderJson(bodyTemplate, values)
                : OssTemplate.renderForm(bodyTemplate, values);
        return rendered.getBytes(StandardCharsets.UTF_8);
    }
}
