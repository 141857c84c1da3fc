package io.github.osscallback.upload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.osscallback.BodyType;
import io.github.osscallback.SystemVariable;
import io.github.osscallback.UploadTokens;
import io.github.osscallback.internal.BodyParser;
import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.internal.LogSafe;
import io.github.osscallback.internal.Once;
import io.github.osscallback.internal.QueryNames;
import io.github.osscallback.internal.TokenFormat;
import java.net.IDN;
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
 * render them. Validated when built: URLs, placeholders, custom variable names, and the body
 * template itself, rendered as OSS renders it and parsed by the verifier's own parser, so that
 * whatever this builder accepts produces callbacks a {@link io.github.osscallback.CallbackVerifier} reads
 * cleanly, even in {@linkplain io.github.osscallback.CallbackVerifier.Builder#strictBodyParsing(boolean) strict
 * mode}.
 */
public final class CallbackParameters {

    /** A template placeholder, {@code ${name}}, for system and {@code x:} variables alike; group 1 is the name. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    /** OSS tries at most five callback URLs. */
    public static final int MAX_CALLBACK_URLS = 5;

    private static final Pattern CUSTOM_NAME = Pattern.compile("x:[a-z0-9_\\-]+");

    private final String callbackJson;
    private final String callbackVarJson;
    private final Map<String, String> customVariables;
    private final String callbackBody;
    private final BodyType bodyType;
    private final Map<String, String> variableUses;

    private CallbackParameters(String callbackJson, String callbackVarJson, Map<String, String> customVariables,
                               String callbackBody, BodyType bodyType, Map<String, String> variableUses) {
        this.callbackJson = callbackJson;
        this.callbackVarJson = callbackVarJson;
        this.customVariables = customVariables;
        this.callbackBody = callbackBody;
        this.bodyType = bodyType;
        this.variableUses = variableUses;
    }

    /** Starts a set of parameters. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The {@code x-oss-callback} header value (or PostObject {@code callback} field) that names a
     * callback policy stored on the bucket, base64 of {@code {"callbackPolicy":"name"}}: OSS then
     * uses the parameters saved under that name (PutBucketCallbackPolicy) instead of parameters
     * sent with the upload. The stored parameters are not checked here; build and check them with
     * {@link #builder()} before saving them on the bucket.
     *
     * @throws IllegalArgumentException if the name is blank or holds a control character or quote
     */
    public static String policyHeader(String policyName) {
        Objects.requireNonNull(policyName, "policyName");
        if (policyName.isBlank() || policyName.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == '"' || c == '\\')) {
            throw new IllegalArgumentException("callback policy name must be non-blank text without control characters,"
                    + " quotes or backslashes, got '" + LogSafe.text(policyName) + "'");
        }
        return base64(Builder.write(Map.of("callbackPolicy", policyName)));
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

    /**
     * The body template exactly as sent to OSS: with the upload-token fields when a token is set,
     * and with each {@code %} of a form template that started no percent escape written as
     * {@code %25}.
     */
    public String callbackBody() {
        return callbackBody;
    }

    /** The body type OSS is asked to send. */
    public BodyType bodyType() {
        return bodyType;
    }

    /** The custom variables, by name ({@code x:...}). */
    public Map<String, String> customVariables() {
        return customVariables;
    }

    /**
     * Every {@code x:} variable the callback names, in the body template, a callback URL or the
     * callback host, mapped to where it first appears ("callback body", "callback URL",
     * "callback host"), whether or not it has a value. OSS fills a variable without a value from
     * whatever the uploader sends, so {@link PostPolicy} refuses to sign a form that leaves one
     * unbound.
     */
    Map<String, String> variableUses() {
        return variableUses;
    }

    /**
     * The PostObject form fields: {@code callback} plus one field per custom variable. A policy
     * that signs them must bind each with an exact-match condition, as {@link PostPolicy} does.
     */
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
        private final Once once = new Once();

        private Builder() {
        }

        /**
         * Adds a callback URL (http or https); OSS tries them in order, at most five. Non-ASCII
         * text is encoded as OSS's API reference requires: an internationalised host name in its
         * ASCII (punycode) form, other characters of path and query percent-encoded as UTF-8
         * ({@code %} escapes already present are kept). OSS does not support IPv6 callback
         * URLs, so an IPv6 literal host is refused.
         */
        public Builder callbackUrl(String url) {
            Objects.requireNonNull(url, "url");
            if (urls.size() == MAX_CALLBACK_URLS) {
                throw new IllegalArgumentException("OSS accepts at most " + MAX_CALLBACK_URLS + " callback URLs");
            }
            if (url.indexOf(';') >= 0) {
                throw new IllegalArgumentException("callback URL must not contain ';', OSS's URL separator: " + url);
            }
            String encoded = encodeUrl(url);
            try {
                URI uri = new URI(encoded);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                    throw new IllegalArgumentException("callback URL must be an absolute http(s) URL: " + url);
                }
                if (uri.getHost().startsWith("[")) {
                    throw new IllegalArgumentException("callback URL host " + uri.getHost()
                            + " is an IPv6 address, which OSS does not support for callbacks; use a host name or "
                            + "an IPv4 address: " + url);
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("callback URL is not a valid URI: " + url, e);
            }
            urls.add(encoded);
            return this;
        }

        /** The URL with an ASCII host and percent-encoded path, query and fragment. */
        private static String encodeUrl(String url) {
            int schemeEnd = url.indexOf("://");
            if (schemeEnd < 0) {
                return url; // not absolute: refused by the caller
            }
            int authorityStart = schemeEnd + 3;
            int authorityEnd = authorityStart;
            while (authorityEnd < url.length() && "/?#".indexOf(url.charAt(authorityEnd)) < 0) {
                authorityEnd++;
            }
            String authority = url.substring(authorityStart, authorityEnd);
            int at = authority.lastIndexOf('@');
            String userInfo = authority.substring(0, at + 1);
            String hostPort = authority.substring(at + 1);
            if (hostPort.startsWith("[")) {
                throw new IllegalArgumentException("callback URL host " + hostPort + " is an IPv6 address, which OSS "
                        + "does not support for callbacks; use a host name or an IPv4 address: " + url);
            }
            int colon = hostPort.lastIndexOf(':');
            String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
            String port = colon < 0 ? "" : hostPort.substring(colon);
            if (!isAscii(host)) {
                try {
                    host = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("callback URL host is not a valid domain name: " + url, e);
                }
            }
            return url.substring(0, authorityStart) + percentEncode(userInfo) + host + port
                    + percentEncode(url.substring(authorityEnd));
        }

        private static boolean isAscii(String s) {
            return s.chars().allMatch(c -> c < 0x80);
        }

        /** Percent-encodes non-ASCII, controls, space and the characters a URI may not hold as text. */
        private static String percentEncode(String s) {
            StringBuilder out = new StringBuilder(s.length());
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            for (byte b : bytes) {
                int c = b & 0xff;
                if (c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0) {
                    out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                } else {
                    out.append((char) c);
                }
            }
            return out.toString();
        }

        /** The Host header OSS sends with the callback. */
        public Builder callbackHost(String host) {
            once.mark("callbackHost");
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The body template, e.g. {@code bucket=${bucket}&object=${object}&uid=${x:uid}}. Each
         * placeholder must name an OSS system variable or an {@code x:} custom variable. OSS
         * URL-encodes the values it substitutes into a form body, but not the template's own
         * text: write constants form-encoded ({@code %26} for {@code &}, {@code %2B} for
         * {@code +}). A {@code %} that starts no escape ({@code discount=50%}) can only mean a
         * literal {@code %}, so it is sent as {@code %25} and the verifier reads {@code 50%}.
         * For JSON templates see {@link BodyType#JSON}.
         */
        public Builder callbackBody(String template) {
            once.mark("callbackBody");
            this.body = Objects.requireNonNull(template, "template");
            return this;
        }

        /** Form (default) or JSON. */
        public Builder bodyType(BodyType type) {
            once.mark("bodyType");
            this.bodyType = Objects.requireNonNull(type, "type");
            return this;
        }

        /** Whether OSS sends SNI for https callback URLs; servers that need SNI fail without it. */
        public Builder callbackSni(boolean sni) {
            once.mark("callbackSni");
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
                throw new IllegalStateException("custom variable " + name + " was already set");
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
         * @throws IllegalStateException if no URL or body is set, a placeholder is unknown, or the
         *     template would not parse cleanly once OSS substitutes values (a JSON template that is
         *     not a JSON object or quotes a placeholder, a field name used twice, escapes that are
         *     not UTF-8, text in a field the verifier reads as a number), a callback URL's query
         *     names a body field (the verifier refuses that as ambiguous), or the upload token binds
         *     another body type or a callback path some callback URL does not have
         */
        public CallbackParameters build() {
            if (urls.isEmpty()) {
                throw new IllegalStateException("at least one callback URL is required");
            }
            if (body == null || body.isEmpty()) {
                throw new IllegalStateException("a callback body template is required");
            }
            String token = customVariables.get(UploadTokens.VARIABLE);
            if (token != null) {
                requireBindingsFit(token, bodyType, urls);
            }
            String template = token != null ? withTokenFields(body) : body;
            checkPlaceholders(template);
            if (bodyType == BodyType.FORM) {
                template = escapeStrayPercents(template);
            }
            checkRendersCleanly(template);
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
            Map<String, String> uses = new LinkedHashMap<>();
            collectVariables(template, "callback body", uses);
            for (String url : urls) {
                collectVariables(url, "callback URL", uses);
                collectVariables(asciiUnescaped(url), "callback URL", uses);
            }
            if (host != null) {
                collectVariables(host, "callback host", uses);
            }
            return new CallbackParameters(write(callback), varJson,
                    Collections.unmodifiableMap(new LinkedHashMap<>(customVariables)), template, bodyType,
                    Collections.unmodifiableMap(uses));
        }

        /**
         * The {@code ${x:...}} placeholders in a text, by name. OSS documents variables only in
         * the body template; a placeholder in a URL or host is counted too, so that a PostObject
         * policy binds it whether or not OSS substitutes there. Names are taken in any case
         * ({@code ${X:role}}): a name this builder cannot set is then reported as unbound.
         */
        private static void collectVariables(String text, String where, Map<String, String> uses) {
            Matcher m = PLACEHOLDER.matcher(text);
            while (m.find()) {
                String name = m.group(1);
                if (name.regionMatches(true, 0, "x:", 0, 2)) {
                    uses.putIfAbsent(name, where);
                }
            }
        }

        /**
         * The URL with each {@code %XX} escape of an ASCII character decoded, so that a
         * placeholder written with escaped braces ({@code $%7Bx:role%7D}, as {@link #callbackUrl}
         * encodes a literal one) is found as well.
         */
        private static String asciiUnescaped(String url) {
            StringBuilder out = new StringBuilder(url.length());
            for (int i = 0; i < url.length(); i++) {
                char c = url.charAt(i);
                if (c == '%' && i + 2 < url.length() && isHex(url.charAt(i + 1)) && isHex(url.charAt(i + 2))) {
                    int decoded = Integer.parseInt(url.substring(i + 1, i + 3), 16);
                    if (decoded < 0x80) {
                        out.append((char) decoded);
                        i += 2;
                        continue;
                    }
                }
                out.append(c);
            }
            return out.toString();
        }

        private String withTokenFields(String template) {
            Map<String, String> added = new LinkedHashMap<>();
            if (!template.contains(SystemVariable.BUCKET.placeholder())) {
                added.put(SystemVariable.BUCKET.variableName(), SystemVariable.BUCKET.placeholder());
            }
            if (!template.contains(SystemVariable.OBJECT.placeholder())) {
                added.put(SystemVariable.OBJECT.variableName(), SystemVariable.OBJECT.placeholder());
            }
            added.put(UploadTokens.BODY_FIELD, SystemVariable.placeholderFor(UploadTokens.VARIABLE));
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
        }

        /**
         * {@code %} not followed by two hex digits as {@code %25}, and {@code ;} (a pair separator to
         * some decoders) as {@code %3B}: the verifier reads neither raw; everything else as written.
         */
        private static String escapeStrayPercents(String template) {
            StringBuilder out = new StringBuilder(template.length());
            for (int i = 0; i < template.length(); i++) {
                char c = template.charAt(i);
                if (c == ';') {
                    out.append("%3B");
                    continue;
                }
                out.append(c);
                if (c == '%' && !(i + 2 < template.length() && isHex(template.charAt(i + 1)) && isHex(template.charAt(i + 2)))) {
                    out.append("25");
                }
            }
            return out.toString();
        }

        private static boolean isHex(char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        }

        /**
         * Renders the template as OSS would (form: values URL-encoded; JSON: strings quoted,
         * the numeric variables bare) and parses it with the verifier's parser, so a template that
         * would give the verifier a body problem (duplicate names, escapes that are not UTF-8,
         * invalid JSON, a quoted placeholder) is refused here rather than at callback time.
         */
        private void checkRendersCleanly(String template) {
            Matcher m = PLACEHOLDER.matcher(template);
            StringBuilder sample = new StringBuilder();
            while (m.find()) {
                // Numbers for the numeric variables (and for x: variables, whose values the
                // application chooses); text for the other system variables.
                SystemVariable variable = SystemVariable.named(m.group(1));
                String value = variable == null || variable.isNumber() ? "0" : "v";
                if (bodyType == BodyType.JSON && (variable == null || !variable.isNumber())) {
                    value = "\"" + value + "\"";
                }
                m.appendReplacement(sample, Matcher.quoteReplacement(value));
            }
            m.appendTail(sample);
            byte[] rendered = sample.toString().getBytes(StandardCharsets.UTF_8);
            BodyParser.Parsed parsed = BodyParser.parse(bodyType == BodyType.JSON, rendered);
            if (parsed.problem != null) {
                String why = bodyType == BodyType.JSON
                        ? "write every placeholder unquoted, as a whole JSON value: OSS inserts strings as quoted "
                                + "JSON strings and numbers bare"
                        : "each field name must appear once, and escapes must decode to UTF-8";
                throw new IllegalStateException((bodyType == BodyType.JSON ? "JSON" : "form")
                        + " callback body template would not parse once OSS substitutes values (" + why + "): "
                        + parsed.why());
            }
            for (String url : urls) {
                String name = QueryNames.overlapping(URI.create(url).getRawQuery(), parsed.fields.keySet());
                if (name != null) {
                    throw new IllegalStateException("callback URL " + url + ": query parameter '" + LogSafe.text(name)
                            + "' has the name of a signed body field; the verifier refuses such callbacks"
                            + " (ambiguous_parameter), so rename the query parameter or the body field");
                }
            }
            for (SystemVariable number : SystemVariable.values()) {
                String value = number.isNumber() ? parsed.fields.get(number.variableName()) : null;
                if (value != null && !value.isEmpty() && !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    throw new IllegalStateException("callback body field '" + number.variableName()
                            + "' would not hold a whole number, but the verifier reads " + number.placeholder()
                            + " from it (unless CallbackVerifier.Builder#bodyField names another field); put "
                            + number.placeholder() + " there or rename the field");
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

    /**
     * Refuses callback parameters whose callbacks the token's own bindings would refuse, as OSS
     * does not retry and the genuine callback would be lost: another body type than the one it
     * binds, or a callback URL whose path is not the one it binds. A string not shaped like a token
     * is left to the verifier to refuse.
     */
    private static void requireBindingsFit(String token, BodyType bodyType, List<String> callbackUrls) {
        JsonNode payload = TokenFormat.unverifiedPayload(token);
        if (payload == null) {
            return;
        }
        if (payload.has("t") && !payload.get("t").asText("").equals(bodyType.name().toLowerCase(Locale.ROOT))) {
            throw new IllegalStateException("the upload token binds body type " + LogSafe.text(payload.get("t").asText())
                    + ", but these callback parameters send " + bodyType + " bodies; the verifier would refuse the"
                    + " callback (upload_token_mismatch)");
        }
        if (payload.path("c").isTextual()) {
            String bound = payload.get("c").asText();
            for (String url : callbackUrls) {
                String path = URI.create(url).getPath();
                if (!bound.equals(path == null || path.isEmpty() ? "/" : path)) {
                    throw new IllegalStateException("callback URL " + url + " is not on the callback path '"
                            + LogSafe.text(bound) + "' the upload token binds; the verifier would refuse its callback"
                            + " (upload_token_mismatch). Every callback URL, fallbacks included, must have that path,"
                            + " or issue the token without callbackPath");
                }
            }
        }
    }
}
