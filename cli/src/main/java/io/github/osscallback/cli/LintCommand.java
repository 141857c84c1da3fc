package io.github.osscallback.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.osscallback.BodyType;
import io.github.osscallback.upload.CallbackParameters;
import io.github.osscallback.UploadTokens;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code lint}: checks callback parameters first as OSS does (the upload is refused with
 * {@code InvalidArgument} before anything is stored), then by this library's rules, which are
 * {@link CallbackParameters}' own: the parameters are rebuilt with its builder and what it refuses
 * is reported, so lint and the builder never disagree.
 */
@Command(name = "lint", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Checks callback parameters (x-oss-callback) as OSS does and by this library's rules."},
        footer = {"", "VALUE is the base64 x-oss-callback header, its JSON, or @FILE holding either.",
                "Exit 0 no error (warnings allowed), 1 an error, 2 unreadable input. Codes: docs/cli.md."})
final class LintCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String JSON_TYPE = "application/json";
    private static final Set<String> KNOWN = Set.of("callbackUrl", "callbackHost", "callbackBody", "callbackSNI",
            "callbackBodyType", "callbackPolicy");

    @Spec
    CommandSpec spec;

    @Option(names = "--callback", required = true, paramLabel = "VALUE",
            description = "the x-oss-callback value: base64, JSON, or @FILE")
    String callback;

    @Option(names = "--callback-var", paramLabel = "VALUE",
            description = "the x-oss-callback-var value (base64, JSON or @FILE): the x: variables' values")
    String callbackVar;

    @Option(names = "--upload-tokens", description = "the verifier checks upload tokens: the body must carry ${x:upload_token}")
    boolean uploadTokens;

    @Option(names = "--json", description = "print {\"errors\": n, \"findings\": [{\"severity\", \"code\", \"message\"}]}")
    boolean json;

    /** One finding: error or warning, a stable code, and what was found. */
    static final class Finding {
        final boolean error;
        final String code;
        final String message;

        Finding(boolean error, String code, String message) {
            this.error = error;
            this.code = code;
            this.message = message;
        }
    }

    private final List<Finding> findings = new ArrayList<>();

    @Override
    public Integer call() {
        String text = decode("--callback", callback);
        Map<String, String> variables = new LinkedHashMap<>();
        if (callbackVar != null) {
            variables = variables(decode("--callback-var", callbackVar));
        }
        if (text != null) {
            lint(text, variables);
        }
        long errors = findings.stream().filter(f -> f.error).count();
        if (json) {
            ObjectNode root = JSON.createObjectNode();
            root.put("errors", errors);
            ArrayNode list = root.putArray("findings");
            for (Finding f : findings) {
                list.addObject().put("severity", f.error ? "error" : "warning").put("code", f.code).put("message", f.message);
            }
            spec.commandLine().getOut().println(root);
        } else {
            for (Finding f : findings) {
                spec.commandLine().getOut().println((f.error ? "error " : "warning ") + f.code + ": " + f.message);
            }
            spec.commandLine().getOut().println(errors == 0 ? "no errors" : errors + " error(s)");
        }
        return errors == 0 ? 0 : Main.FAILED;
    }

    /** The JSON text of a value given as JSON, base64 or @file; null after an error finding. */
    private String decode(String option, String value) {
        String raw = value.startsWith("@") ? Pem.readFile(option, Path.of(value.substring(1))) : value;
        String trimmed = raw.trim();
        if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
            return trimmed;
        }
        try {
            return new String(Base64.getDecoder().decode(trimmed), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            error("not_base64", option + " is neither JSON nor base64 (OSS: \"The callback is not base64 encoded.\")");
            return null;
        }
    }

    private Map<String, String> variables(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                error("invalid_json", "--callback-var is not a JSON object (OSS: \"The callback-var configuration is not json format.\")");
                return out;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().startsWith("x:")) {
                    warning("variable_name", "callback-var name '" + e.getKey() + "' does not start with x:; OSS ignores it");
                    continue;
                }
                out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
            }
        } catch (JsonProcessingException e) {
            error("invalid_json", "--callback-var is not JSON (OSS: \"The callback-var configuration is not json format.\")");
        }
        return out;
    }

    private void lint(String text, Map<String, String> variables) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            if (Pattern.compile("\"callbackBody\"\\s*:\\s*\"\\{\\s*\"").matcher(text).find()) {
                error("callback_body_unescaped", "callbackBody holds a JSON template whose quotes are not escaped"
                        + " (aliyun-sdk-oss's Callback sends it so); OSS: \"The callback configuration is not json"
                        + " format.\" Escape the template, or send CallbackParameters.callbackHeader()");
            } else {
                error("invalid_json", "the callback is not JSON (OSS: \"The callback configuration is not json format.\"): "
                        + e.getOriginalMessage());
            }
            return;
        }
        if (root == null || !root.isObject()) {
            error("invalid_json", "the callback is not a JSON object (OSS: \"The callback configuration is not json format.\")");
            return;
        }
        root.fieldNames().forEachRemaining(name -> {
            if (!KNOWN.contains(name)) {
                warning("unknown_field", "'" + name + "' is no callback parameter (names are case-sensitive); OSS ignores it");
            }
        });
        if (root.has("callbackPolicy")) {
            lintPolicy(root);
            return;
        }
        List<String> urls = lintUrls(root.get("callbackUrl"));
        String host = text(root, "callbackHost");
        if (host != null && !host.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?")) {
            error("callback_host_invalid", "callbackHost must be a host name, optionally with :port (no scheme, path"
                    + " or spaces), got '" + host + "'");
        }
        JsonNode sni = root.get("callbackSNI");
        if (sni != null && !sni.isBoolean()) {
            error("callback_sni_not_boolean", "callbackSNI must be a JSON boolean (true or false), got " + sni
                    + "; OSS refuses the upload");
        }
        String type = text(root, "callbackBodyType");
        if (type != null && !type.equals(FORM) && !type.equals(JSON_TYPE)) {
            error("callback_body_type", "callbackBodyType must be " + FORM + " or " + JSON_TYPE + ", got '" + type + "'");
            return;
        }
        String body = text(root, "callbackBody");
        if (body == null || body.isEmpty()) {
            error("callback_body_missing", "callbackBody is required (OSS: \"The callback configuration has no callbackBody.\")");
            return;
        }
        BodyType bodyType = JSON_TYPE.equals(type) ? BodyType.JSON : BodyType.FORM;
        lintVariables(body, variables);
        if (urls != null) {
            libraryRules(urls, host, sni != null && sni.isBoolean() ? sni : null, body, bodyType, variables);
        }
    }

    private void lintPolicy(JsonNode root) {
        JsonNode policy = root.get("callbackPolicy");
        if (!policy.isTextual() || policy.asText().isBlank()) {
            error("callback_policy_invalid", "callbackPolicy must name a callback policy stored on the bucket, got " + policy);
            return;
        }
        if (root.size() > 1) {
            warning("callback_policy_mixed", "callbackPolicy names a stored policy; the other parameters here are not"
                    + " those OSS uses: the policy's own are");
        }
        warning("callback_policy", "names the bucket's callback policy '" + policy.asText() + "': its parameters are"
                + " stored on the bucket; lint them with --callback on the policy's own callback JSON");
    }

    private List<String> lintUrls(JsonNode node) {
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            error("callback_url_missing", "callbackUrl is required, as a string of one to five URLs separated by ';'");
            return null;
        }
        List<String> urls = new ArrayList<>();
        for (String url : node.asText().split(";")) {
            if (!url.isBlank()) {
                urls.add(url.trim());
            }
        }
        if (urls.size() > CallbackParameters.MAX_CALLBACK_URLS) {
            error("callback_url_count", "callbackUrl names " + urls.size() + " URLs; OSS accepts at most "
                    + CallbackParameters.MAX_CALLBACK_URLS);
            return null;
        }
        boolean ok = true;
        for (String url : urls) {
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (uri.getHost() != null && uri.getHost().startsWith("[")) {
                    error("callback_url_ipv6", "callback URL " + url + " has an IPv6 host, which OSS does not support");
                    ok = false;
                } else if (!scheme.isEmpty() && !scheme.equals("http") && !scheme.equals("https")) {
                    error("callback_url_invalid", "callback URL " + url + " is not http or https");
                    ok = false;
                } else if (scheme.isEmpty()) {
                    warning("callback_url_no_scheme", "callback URL " + url + " has no scheme; OSS calls it with http");
                }
            } catch (URISyntaxException e) {
                error("callback_url_invalid", "callback URL is not a valid URL: " + e.getMessage());
                ok = false;
            }
        }
        return ok ? urls : null;
    }

    private void lintVariables(String body, Map<String, String> variables) {
        Set<String> used = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(body);
        while (m.find()) {
            if (m.group(1).startsWith("x:")) {
                used.add(m.group(1));
            }
        }
        for (String name : used) {
            if (!variables.containsKey(name)) {
                error("variable_without_value", "${" + name + "} has no value in x-oss-callback-var: in a PostObject form"
                        + " the uploader fills it, and OSS signs whatever it says (bind it in the policy, or give it a value)");
            }
        }
        if (uploadTokens && !used.contains(UploadTokens.VARIABLE)) {
            error("upload_token_missing", "the body has no ${" + UploadTokens.VARIABLE + "}, so a verifier checking upload"
                    + " tokens refuses every callback (upload_token_missing); add " + UploadTokens.BODY_FIELD + "=${"
                    + UploadTokens.VARIABLE + "}, or build with CallbackParameters.Builder.uploadToken");
        }
    }

    /** Rebuilds the parameters with CallbackParameters, whose refusals are this library's rules. */
    private void libraryRules(List<String> urls, String host, JsonNode sni, String body, BodyType bodyType,
                              Map<String, String> variables) {
        CallbackParameters.Builder builder = CallbackParameters.builder();
        try {
            for (String url : urls) {
                builder.callbackUrl(url.contains("://") ? url : "http://" + url);
            }
            if (host != null) {
                builder.callbackHost(host);
            }
            if (sni != null) {
                builder.callbackSni(sni.asBoolean());
            }
            builder.callbackBody(body).bodyType(bodyType);
            variables.forEach(builder::customVariable);
            builder.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            error(libraryCode(e.getMessage(), body, bodyType), e.getMessage());
        }
    }

    /** The code for what CallbackParameters refused, from the rule its message states. */
    static String libraryCode(String message, String body, BodyType bodyType) {
        if (message.startsWith("placeholder ${")) {
            return "unknown_placeholder";
        }
        if (message.contains("ambiguous_parameter")) {
            return "query_body_collision";
        }
        if (message.contains("would not hold a whole number")) {
            return "number_field_not_number";
        }
        if (bodyType == BodyType.JSON && Pattern.compile("\"[^\"]*\\$\\{[^}]*}[^\"]*\"").matcher(body).find()) {
            return "quoted_placeholder";
        }
        if (message.startsWith("JSON callback body template")) {
            return "json_template_invalid";
        }
        if (message.startsWith("form callback body template")) {
            return "form_template_invalid";
        }
        if (message.startsWith("custom variable")) {
            return "variable_name";
        }
        return "callback_parameters";
    }

    private static String text(JsonNode root, String name) {
        JsonNode node = root.get(name);
        return node == null || node.isNull() ? null : node.isTextual() ? node.asText() : node.toString();
    }

    private void error(String code, String message) {
        findings.add(new Finding(true, code, message));
    }

    private void warning(String code, String message) {
        findings.add(new Finding(false, code, message));
    }
}
