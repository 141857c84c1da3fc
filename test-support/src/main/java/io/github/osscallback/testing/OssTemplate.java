package io.github.osscallback.testing;

import io.github.osscallback.BodyType;
import io.github.osscallback.upload.CallbackParameters;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a callback body template as OSS does, for tests: each {@code ${name}} is replaced by
 * its value, URL-encoded (UTF-8, space as {@code +}) in form bodies; in JSON bodies
 * ({@code callbackBodyType: application/json}) as a JSON value: {@code size} and the image
 * dimensions as bare numbers, everything else as a quoted JSON string with {@code "},
 * {@code \} and control characters escaped (PROTOCOL.md). The template's own text is never
 * changed, so a form-style template rendered in JSON mode reads {@code name="a/b.png"&size=2048},
 * as real OSS traffic shows. Unknown placeholders become empty.
 */
public final class OssTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private OssTemplate() {
    }

    /** A form body: values URL-encoded (UTF-8, space as {@code +}). */
    public static String renderForm(String template, Map<String, String> values) {
        return render(template, values, false);
    }

    /**
     * A body rendered in JSON mode, whatever the template's shape: placeholders in a JSON template
     * are written unquoted, as OSS expects.
     */
    public static String renderJson(String template, Map<String, String> values) {
        return render(template, values, true);
    }

    /**
     * The body OSS sends for these parameters: their template, in their body type, with their
     * custom variables and the given system variables (by OSS's names, e.g. {@code bucket},
     * {@code imageInfo.height}).
     */
    public static String render(CallbackParameters parameters, Map<String, String> systemValues) {
        Objects.requireNonNull(parameters, "parameters");
        Map<String, String> values = new HashMap<>(systemValues);
        values.putAll(parameters.customVariables());
        return render(parameters.callbackBody(), values, parameters.bodyType() == BodyType.JSON);
    }

    private static String render(String template, Map<String, String> values, boolean json) {
        Objects.requireNonNull(template, "template");
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = values.getOrDefault(name, "");
            String rendered = json ? jsonValue(name, value) : URLEncoder.encode(value, StandardCharsets.UTF_8);
            m.appendReplacement(out, Matcher.quoteReplacement(rendered));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String jsonValue(String name, String value) {
        boolean numeric = (name.equals("size") || name.startsWith("imageInfo.")) && value.matches("[0-9]+")
                && !name.equals("imageInfo.format");
        if (numeric) {
            return value;
        }
        StringBuilder s = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"': s.append("\\\""); break;
                case '\\': s.append("\\\\"); break;
                case '\n': s.append("\\n"); break;
                case '\r': s.append("\\r"); break;
                case '\t': s.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
            }
        }
        return s.append('"').toString();
    }
}
