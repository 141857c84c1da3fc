package io.github.osscallback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The callback parameters an application hands its uploaders: the {@code x-oss-callback} header
 * (or PostObject form field {@code callback}) and the {@code x-oss-callback-var} header (or
 * PostObject {@code x:} form fields). Both headers are base64 of UTF-8 JSON, as the OSS SDKs
 * render them. Validated when built: URLs, placeholders, custom variable names.
 */
public final class CallbackParameters {

    /** OSS tries at most five callback URLs. */
    public static final int MAX_CALLBACK_URLS = 5;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern CUSTOM_NAME = Pattern.compile("x:[a-z0-9_\\-]+");

    /** The body types OSS can send. */
    public enum BodyType {
        /** {@code application/x-www-form-urlencoded}, OSS's default. */
        FORM("application/x-www-form-urlencoded"),
        /** {@code application/json}; write placeholders unquoted, OSS inserts JSON-ready values. */
        JSON("application/json");

        private final String mediaType;

        BodyType(String mediaType) {
            this.mediaType = mediaType;
        }

        /** The media type as OSS names it in {@code callbackBodyType}. */
        public String mediaType() {
            return mediaType;
        }
    }

    private final String callbackJson;
    private final String callbackVarJson;
    private final Map<String, String> customVariables;

    private CallbackParameters(String callbackJson, String callbackVarJson, Map<String, String> customVariables) {
        this.callbackJson = callbackJson;
        this.callbackVarJson = callbackVarJson;
        this.customVariables = customVariables;
    }

    /** Starts a set of parameters. */
    public static Builder builder() {
        return new Builder();
    }

    /** The {@code x-oss-callback} header value (also the PostObject {@code callback} field). */
    public String callbackHeader() {
        return base64(callbackJson);
    }

    /** The {@code x-oss-callback-var} header value, if any custom variable was set. */
    public Optional<String> callbackVarHeader() {
        return callbackVarJson == null ? Optional.empty() : Optional.of(base64(callbackVarJson));
    }

    /** The JSON behind {@link #callbackHeader()}, for reading and logging. */
    public String callbackJson() {
        return callbackJson;
    }

    /** The JSON behind {@link #callbackVarHeader()}. */
    public Optional<String> callbackVarJson() {
        return Optional.ofNullable(callbackVarJson);
    }

    /** The custom variables, by name ({@code x:...}). */
    public Map<String, String> customVariables() {
        return customVariables;
    }

    /** The PostObject form fields: {@code callback} plus one field per custom variable. */
    public Map<String, String> postObjectFormFields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("callback", callbackHeader());
        fields.putAll(customVariables);
        return Collections.unmodifiableMap(fields);
    }

    private static String base64(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "CallbackParameters" + callbackJson;
    }

    /** Builds {@link CallbackParameters}. */
    public static final class Builder {
        private final List<String> urls = new ArrayList<>();
        private String host;
        private String body;
        private BodyType bodyType = BodyType.FORM;
        private Boolean sni;
        private final Map<String, String> customVariables = new LinkedHashMap<>();

        private Builder() {
        }

        /** Adds a callback URL (http or https); OSS tries them in order, at most five. */
        public Builder callbackUrl(String url) {
            Objects.requireNonNull(url, "url");
            if (urls.size() == MAX_CALLBACK_URLS) {
                throw new IllegalArgumentException("OSS accepts at most " + MAX_CALLBACK_URLS + " callback URLs");
            }
            if (url.indexOf(';') >= 0) {
                throw new IllegalArgumentException("callback URL must not contain ';', OSS's URL separator: " + url);
            }
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                    throw new IllegalArgumentException("callback URL must be an absolute http(s) URL: " + url);
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("callback URL is not a valid URI: " + url, e);
            }
            urls.add(url);
            return this;
        }

        /** The Host header OSS sends with the callback. */
        public Builder callbackHost(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The body template, e.g. {@code bucket=${bucket}&object=${object}&uid=${x:uid}}. Each
         * placeholder must name an OSS system variable or an {@code x:} custom variable.
         */
        public Builder callbackBody(String template) {
            this.body = Objects.requireNonNull(template, "template");
            return this;
        }

        /** Form (default) or JSON. */
        public Builder bodyType(BodyType type) {
            this.bodyType = Objects.requireNonNull(type, "type");
            return this;
        }

        /** Whether OSS sends SNI for https callback URLs; servers that need SNI fail without it. */
        public Builder callbackSni(boolean sni) {
            this.sni = sni;
            return this;
        }

        /**
         * Carries an upload token from {@link UploadTokens}: sets {@value UploadTokens#VARIABLE}
         * and, when built, adds {@code upload_token=${x:upload_token}} to the body template, plus
         * {@code bucket=${bucket}} and {@code object=${object}} where the template has no such
         * placeholder, so that OSS itself substitutes the real bucket and object.
         */
        public Builder uploadToken(String token) {
            return customVariable(UploadTokens.VARIABLE, Objects.requireNonNull(token, "token"));
        }

        /** Adds a custom variable; the name starts with {@code x:} and is lower case. */
        public Builder customVariable(String name, String value) {
            Objects.requireNonNull(value, "value");
            checkCustomName(name);
            if (customVariables.putIfAbsent(name, value) != null) {
                throw new IllegalArgumentException("custom variable " + name + " is already set");
            }
            return this;
        }

        private static void checkCustomName(String name) {
            if (name == null || !CUSTOM_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("custom variable name must be 'x:' followed by lower-case letters, "
                        + "digits, '_' or '-', got '" + name + "'");
            }
        }

        /**
         * The parameters.
         *
         * @throws IllegalStateException if no URL or body is set, a placeholder is unknown, or a
         *     JSON template is not a JSON object once values are substituted
         */
        public CallbackParameters build() {
            if (urls.isEmpty()) {
                throw new IllegalStateException("at least one callback URL is required");
            }
            if (body == null || body.isEmpty()) {
                throw new IllegalStateException("a callback body template is required");
            }
            String template = customVariables.containsKey(UploadTokens.VARIABLE) ? withTokenFields(body) : body;
            checkPlaceholders(template);
            Map<String, Object> callback = new LinkedHashMap<>();
            callback.put("callbackUrl", String.join(";", urls));
            if (host != null) {
                callback.put("callbackHost", host);
            }
            callback.put("callbackBody", template);
            if (sni != null) {
                callback.put("callbackSNI", sni);
            }
            callback.put("callbackBodyType", bodyType.mediaType());
            String varJson = customVariables.isEmpty() ? null : write(customVariables);
            return new CallbackParameters(write(callback), varJson,
                    Collections.unmodifiableMap(new LinkedHashMap<>(customVariables)));
        }

        private String withTokenFields(String template) {
            Map<String, String> added = new LinkedHashMap<>();
            if (!template.contains(SystemVariable.BUCKET.placeholder())) {
                added.put(SystemVariable.BUCKET.variableName(), SystemVariable.BUCKET.placeholder());
            }
            if (!template.contains(SystemVariable.OBJECT.placeholder())) {
                added.put(SystemVariable.OBJECT.variableName(), SystemVariable.OBJECT.placeholder());
            }
            added.put(UploadTokens.BODY_FIELD, "${" + UploadTokens.VARIABLE + "}");
            StringBuilder out = new StringBuilder(template);
            if (bodyType == BodyType.FORM) {
                added.forEach((name, placeholder) -> out.append(out.length() == 0 ? "" : "&")
                        .append(name).append('=').append(placeholder));
                return out.toString();
            }
            int close = template.lastIndexOf('}');
            if (close < 0) {
                throw new IllegalStateException("JSON callback body template is not a JSON object");
            }
            boolean empty = template.substring(template.indexOf('{') + 1, close).isBlank();
            StringBuilder fields = new StringBuilder();
            added.forEach((name, placeholder) -> fields.append(fields.length() == 0 && empty ? "" : ",")
                    .append('"').append(name).append("\":").append(placeholder));
            return template.substring(0, close) + fields + template.substring(close);
        }

        private void checkPlaceholders(String template) {
            Matcher m = PLACEHOLDER.matcher(template);
            while (m.find()) {
                String name = m.group(1);
                if (name.startsWith("x:")) {
                    try {
                        checkCustomName(name);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalStateException("placeholder ${" + name + "}: " + e.getMessage(), e);
                    }
                } else if (SystemVariable.named(name) == null) {
                    throw new IllegalStateException("placeholder ${" + name + "} is neither an OSS system variable "
                            + "nor an x: custom variable");
                }
            }
            if (bodyType == BodyType.JSON) {
                String sample = PLACEHOLDER.matcher(template).replaceAll("0");
                try {
                    JsonNode tree = JsonCodec.MAPPER.readTree(sample);
                    if (tree == null || !tree.isObject()) {
                        throw new IllegalStateException("JSON callback body template is not a JSON object");
                    }
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("JSON callback body template is not valid JSON once values are "
                            + "substituted (write placeholders unquoted for numbers, quoted for text): "
                            + e.getOriginalMessage(), e);
                }
            }
        }

        private static String write(Map<String, ?> map) {
            try {
                return JsonCodec.MAPPER.writeValueAsString(map);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
