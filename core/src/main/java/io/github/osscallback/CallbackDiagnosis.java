package io.github.osscallback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.osscallback.internal.LogSafe;
import io.github.osscallback.internal.PercentDecoder;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Why a callback request does or does not verify, found offline: the request is checked as the
 * verifier checks it, and when the signature does not match, candidate strings to sign (the path
 * with a prefix a proxy removed or added, the query or body as they were before a framework
 * re-encoded them, ...) are tried under the key, a bounded number of them, to name what changed
 * on the way. For a developer's machine and for the verifier's {@code diagnostics} setting;
 * immutable. Nothing is fetched: OSS's key is the one pinned in this jar, any other is given.
 *
 * <pre>{@code
 * CallbackDiagnosis d = CallbackDiagnosis.builder(request)
 *         .callbackUrl("https://example.com/api/oss/callback")   // the URL the upload named, if known
 *         .run();
 * d.verified(); d.causes();   // e.g. [path_prefix_stripped: ..., fix: ...]
 * }</pre>
 */
public final class CallbackDiagnosis {

    /** Signature checks a diagnosis tries at most, beyond the request as it is. */
    public static final int MAX_CANDIDATES = 48;

    /** What made a request fail, by stable code (docs/cli.md lists them). */
    public enum Code {
        /** A proxy removed part of the path OSS called. */
        PATH_PREFIX_STRIPPED,
        /** A context path or proxy added a prefix to the path OSS called. */
        PATH_PREFIX_ADDED,
        /** The path reached the application decoded or encoded otherwise than OSS sent it. */
        PATH_DECODED_DIFFERENTLY,
        /** The query OSS called with did not reach the application. */
        QUERY_DROPPED,
        /** The query reached the application re-encoded. */
        QUERY_REENCODED,
        /** The body was parsed and written again (JSON reformatted, form re-encoded). */
        BODY_RESERIALIZED,
        /** The body was empty: an earlier filter consumed it. */
        BODY_EMPTY,
        /** The body was cut short. */
        BODY_TRUNCATED,
        /** The request's method is not POST: a route mapped as GET, or a redirect followed as GET. */
        METHOD_NOT_POST,
        /** The key URL is not one the verifier trusts. */
        KEY_URL_UNTRUSTED,
        /** A signature header is missing, repeated or not base64. */
        HEADER_MALFORMED,
        /** The signature does not match and nothing tried explains why. */
        SIGNATURE_MISMATCH;

        /** The code as printed and logged, e.g. {@code path_prefix_stripped}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One cause found: its code, what was found, and what to change. */
    public static final class Cause {
        private final Code code;
        private final String message;
        private final String fix;

        Cause(Code code, String message, String fix) {
            this.code = code;
            this.message = message;
            this.fix = fix;
        }

        /** The cause's code. */
        public Code code() {
            return code;
        }

        /** What was found, with no signature, body or query value in it. */
        public String message() {
            return message;
        }

        /** What to change. */
        public String fix() {
            return fix;
        }

        @Override
        public String toString() {
            return code.id() + ": " + message;
        }
    }

    private final boolean verified;
    private final List<Cause> causes;
    private final int candidatesTried;

    private CallbackDiagnosis(boolean verified, List<Cause> causes, int candidatesTried) {
        this.verified = verified;
        this.causes = Collections.unmodifiableList(new ArrayList<>(causes));
        this.candidatesTried = candidatesTried;
    }

    /** Starts a diagnosis of this request. */
    public static Builder builder(CallbackRequest request) {
        return new Builder(Objects.requireNonNull(request, "request"));
    }

    /** Whether the request verifies as it is: POST, well-formed headers, a trusted key URL, a matching signature. */
    public boolean verified() {
        return verified;
    }

    /** Why it does not verify, most likely first; empty when it verifies. */
    public List<Cause> causes() {
        return causes;
    }

    /** How many candidate strings to sign were tried (at most {@link #MAX_CANDIDATES}). */
    public int candidatesTried() {
        return candidatesTried;
    }

    @Override
    public String toString() {
        return "CallbackDiagnosis[" + (verified ? "verified" : "not verified: " + causes) + "]";
    }

    /** Configures a diagnosis; each option at most once. */
    public static final class Builder {
        private final CallbackRequest request;
        private String callbackUrl;
        private KeyUrlPolicy policy;
        private PublicKey key;
        private String signedPathPrefix;

        private Builder(CallbackRequest request) {
            this.request = request;
        }

        /**
         * The callback URL the upload named ({@code callbackUrl}), when known: what OSS called and
         * signed, so a path prefix a proxy removed, or a query it dropped, can be named.
         */
        public Builder callbackUrl(String url) {
            if (callbackUrl != null) {
                throw new IllegalStateException("callbackUrl was already set");
            }
            try {
                URI uri = new URI(url);
                if (uri.getRawPath() == null || uri.getRawAuthority() == null) {
                    throw new IllegalArgumentException("callbackUrl must be an absolute URL, got " + LogSafe.text(url));
                }
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("callbackUrl is not a URL: " + e.getMessage(), e);
            }
            this.callbackUrl = url;
            return this;
        }

        /** The key URLs trusted; default {@link KeyUrlPolicy#ossDefault()}. */
        public Builder keyUrlPolicy(KeyUrlPolicy policy) {
            if (this.policy != null) {
                throw new IllegalStateException("keyUrlPolicy was already set");
            }
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The public key for a key URL other than OSS's (whose key is pinned in this jar): the
         * key the request's own key URL serves. Never fetched.
         */
        public Builder publicKey(PublicKey key) {
            if (this.key != null) {
                throw new IllegalStateException("publicKey was already set");
            }
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** As the verifier's {@code signedPathPrefix}: a prefix the server strips before the path reaches it. */
        public Builder signedPathPrefix(String prefix) {
            if (signedPathPrefix != null) {
                throw new IllegalStateException("signedPathPrefix was already set");
            }
            this.signedPathPrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Runs the diagnosis.
         *
         * @throws IllegalStateException if the request names a key URL other than OSS's v1 key and
         *         no {@link #publicKey} was given: the signature cannot be checked offline
         */
        public CallbackDiagnosis run() {
            return new Diagnoser(request, callbackUrl, policy == null ? KeyUrlPolicy.ossDefault() : policy, key,
                    signedPathPrefix == null ? "" : signedPathPrefix).run();
        }
    }

    /**
     * The verifier's entry on a signature mismatch: the likely cause among the checks it can run
     * with what it has (no callback URL), bounded by {@code maxCandidates}.
     */
    static Code likelyMismatchCause(CallbackRequest request, String signedPathPrefix, byte[] body, PublicKey key,
                                    byte[] signature, int maxCandidates) {
        Diagnoser d = new Diagnoser(request, null, KeyUrlPolicy.ossDefault(), key, signedPathPrefix);
        d.budget = maxCandidates;
        List<Cause> found = d.explainMismatch(key, signature, body);
        return found.isEmpty() ? Code.SIGNATURE_MISMATCH : found.get(0).code();
    }

    /** One run: the checks in the verifier's order, then candidates. */
    private static final class Diagnoser {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        private final CallbackRequest request;
        private final String callbackUrl;
        private final KeyUrlPolicy policy;
        private final PublicKey ownKey;
        private final String prefix;
        private int budget = MAX_CANDIDATES;
        private int tried;

        Diagnoser(CallbackRequest request, String callbackUrl, KeyUrlPolicy policy, PublicKey ownKey, String prefix) {
            this.request = request;
            this.callbackUrl = callbackUrl;
            this.policy = policy;
            this.ownKey = ownKey;
            this.prefix = prefix;
        }

        CallbackDiagnosis run() {
            List<Cause> causes = new ArrayList<>();
            if (!request.method().equals("POST")) {
                causes.add(new Cause(Code.METHOD_NOT_POST, "the method is " + LogSafe.text(request.method())
                                + "; OSS sends callbacks with POST",
                        "map the callback route to POST, and do not redirect it (clients repeat a redirected POST as GET)"));
            }
            byte[] signature = header(CallbackRequest.AUTHORIZATION, causes);
            byte[] keyUrlBytes = header(CallbackRequest.PUB_KEY_URL, causes);
            if (signature == null || keyUrlBytes == null) {
                return new CallbackDiagnosis(false, causes, tried);
            }
            String keyUrl = new String(keyUrlBytes, StandardCharsets.ISO_8859_1);
            boolean trusted = policy.allows(keyUrl);
            PublicKey key = keyFor(keyUrl);
            if (!trusted) {
                causes.add(new Cause(Code.KEY_URL_UNTRUSTED, "the key URL '" + LogSafe.text(keyUrl)
                                + "' is not allowed by " + policy,
                        "allow it (KeyUrlPolicy.builder().allowPrefix(...), serve --allow-key-url-prefix) only if"
                                + " you run that key host: anyone can sign with a key of their own and name its URL"));
            }
            if (key == null) {
                throw new IllegalStateException("no key for key URL '" + LogSafe.text(keyUrl)
                        + "': give its public key (it is never fetched)");
            }
            byte[] body = request.bodyBytes();
            if (verifies(key, signature, prefix + request.path(), request.query(), body)) {
                return new CallbackDiagnosis(causes.isEmpty(), causes, tried);
            }
            List<Cause> explained = explainMismatch(key, signature, body);
            causes.addAll(explained.isEmpty()
                    ? List.of(new Cause(Code.SIGNATURE_MISMATCH, "the signature does not match, and none of the "
                            + tried + " changes tried explains it",
                    "capture the request as OSS sent it, before any proxy or filter; give the callback URL the upload"
                            + " named (--callback-url); check the key"))
                    : explained);
            return new CallbackDiagnosis(false, causes, tried);
        }

        /** The decoded signature header, or null after adding why it cannot be read. */
        private byte[] header(String name, List<Cause> causes) {
            List<String> values = request.headers(name);
            String problem = null;
            byte[] decoded = null;
            if (values.isEmpty()) {
                problem = "the header '" + name + "' is missing" + (name.equals(CallbackRequest.AUTHORIZATION)
                        ? " (API gateways and auth filters often consume Authorization)" : "");
            } else if (values.size() > 1) {
                problem = "the header '" + name + "' appears " + values.size() + " times";
            } else {
                try {
                    decoded = Base64.getDecoder().decode(values.get(0).trim());
                    if (decoded.length == 0) {
                        problem = "the header '" + name + "' is empty";
                    }
                } catch (IllegalArgumentException e) {
                    problem = "the header '" + name + "' is not base64 (" + e.getMessage() + ")";
                }
            }
            if (problem != null) {
                causes.add(new Cause(Code.HEADER_MALFORMED, problem, "pass OSS's headers '"
                        + CallbackRequest.AUTHORIZATION + "' and '" + CallbackRequest.PUB_KEY_URL
                        + "' through every proxy unchanged, once each"));
                return null;
            }
            return decoded;
        }

        private PublicKey keyFor(String keyUrl) {
            if (KeyUrlPolicy.ossDefault().allows(keyUrl) && keyUrl.endsWith("/callback_pub_key_v1.pem")) {
                return OssKey.PUBLIC_KEY;
            }
            return ownKey;
        }

        /** The causes that candidate strings to sign, or the request's own shape, point to. */
        List<Cause> explainMismatch(PublicKey key, byte[] signature, byte[] body) {
            List<Cause> found = new ArrayList<>();
            String path = request.path();
            String query = request.query();
            String declared = request.header("content-length");
            long declaredLength = -1;
            try {
                declaredLength = declared == null ? -1 : Long.parseLong(declared.trim());
            } catch (NumberFormatException ignored) {
                // not a number: nothing to compare
            }
            if (body.length == 0) {
                found.add(new Cause(Code.BODY_EMPTY, "the body is empty" + (declaredLength > 0
                                ? " though Content-Length declares " + declaredLength + " bytes" : ""),
                        "verify before anything reads the body (no getParameter, @RequestBody or logging filter"
                                + " ahead of the verifier), or hand the verifier the bytes that filter read"));
                return found;
            }
            if (declaredLength > body.length) {
                found.add(new Cause(Code.BODY_TRUNCATED, "the body has " + body.length
                                + " bytes but Content-Length declares " + declaredLength,
                        "read the whole body (until Content-Length) before verifying; check proxy buffer limits"));
                return found;
            }
            if (callbackUrl != null) {
                Cause viaUrl = viaCallbackUrl(key, signature, body, path, query);
                if (viaUrl != null) {
                    found.add(viaUrl);
                    return found;
                }
            }
            for (String shorter : withoutLeadingSegments(path)) {
                if (verifies(key, signature, prefix + shorter, query, body)) {
                    String added = path.substring(0, path.length() - shorter.length());
                    found.add(new Cause(Code.PATH_PREFIX_ADDED, "the signature matches the path without its leading '"
                                    + LogSafe.text(added) + "': OSS called " + LogSafe.text(shorter),
                            "strip '" + LogSafe.text(added) + "' before verifying, or declare the callback URL with it"
                                    + " (signedPathPrefix covers the opposite case)"));
                    return found;
                }
            }
            for (String other : pathVariants(path)) {
                if (verifies(key, signature, prefix + other, query, body)) {
                    found.add(new Cause(Code.PATH_DECODED_DIFFERENTLY, "the signature matches the path written as '"
                                    + LogSafe.text(other) + "'; the request has '" + LogSafe.text(path) + "'",
                            "hand the verifier the path as received, still percent-encoded (getRequestURI, not"
                                    + " getPathInfo or a decoded route), and keep proxies from normalising it"));
                    return found;
                }
            }
            if (query != null) {
                for (String other : queryVariants(query)) {
                    if (verifies(key, signature, prefix + path, other, body)) {
                        found.add(new Cause(Code.QUERY_REENCODED, "the signature matches the query as written"
                                        + " before it was re-encoded (names " + LogSafe.queryNames(other) + ")",
                                "hand the verifier the raw query (getQueryString), not one rebuilt from parameters"));
                        return found;
                    }
                }
            }
            for (byte[] other : bodyVariants(body)) {
                if (verifies(key, signature, prefix + path, query, other)) {
                    found.add(new Cause(Code.BODY_RESERIALIZED, "the signature matches the body as OSS wrote it ("
                                    + other.length + " bytes), which reached the verifier rewritten (" + body.length
                                    + " bytes): parsed and serialized again",
                            "verify the raw body bytes before any JSON or form binding, or read it once and bind from"
                                    + " the verified callback"));
                    return found;
                }
            }
            if (query == null && callbackUrl == null) {
                found.add(new Cause(Code.SIGNATURE_MISMATCH, "the request has no query; if the callback URL had one,"
                                + " a proxy dropped it",
                        "give the callback URL the upload named (--callback-url) to check for a stripped prefix or"
                                + " a dropped query"));
            }
            return found;
        }

        /** With the URL OSS called: a prefix stripped or added, the query dropped or re-encoded. */
        private Cause viaCallbackUrl(PublicKey key, byte[] signature, byte[] body, String path, String query) {
            URI url = URI.create(callbackUrl);
            String urlPath = url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            String urlQuery = url.getRawQuery();
            if (!verifies(key, signature, urlPath, urlQuery, body)) {
                return null;
            }
            String decodedPath = new String(PercentDecoder.decode(path, false), StandardCharsets.UTF_8);
            String decodedUrlPath = new String(PercentDecoder.decode(urlPath, false), StandardCharsets.UTF_8);
            String fullPath = prefix + path;
            if (!urlPath.equals(fullPath)) {
                if (urlPath.endsWith(fullPath) || decodedUrlPath.endsWith(decodedPath)) {
                    String stripped = urlPath.substring(0, urlPath.length() - fullPath.length());
                    return new Cause(Code.PATH_PREFIX_STRIPPED, "OSS called " + LogSafe.text(urlPath)
                            + " and signed that path; the request reached the verifier as " + LogSafe.text(fullPath),
                            "tell the verifier the prefix the proxy strips: signedPathPrefix(\"" + LogSafe.text(stripped)
                                    + "\") (oss.callback.signed-path-prefix), or stop the proxy stripping it");
                }
                if (fullPath.endsWith(urlPath)) {
                    String added = fullPath.substring(0, fullPath.length() - urlPath.length());
                    return new Cause(Code.PATH_PREFIX_ADDED, "OSS called " + LogSafe.text(urlPath)
                            + "; the request reached the verifier with '" + LogSafe.text(added) + "' in front",
                            "strip '" + LogSafe.text(added) + "' before verifying (a context path or proxy added it),"
                                    + " or name the full path in the callback URL");
                }
                return new Cause(Code.PATH_DECODED_DIFFERENTLY, "OSS called " + LogSafe.text(urlPath)
                        + "; the request has " + LogSafe.text(fullPath),
                        "hand the verifier the path as received, percent-encoded, and keep proxies from rewriting it");
            }
            if (urlQuery != null && query == null) {
                return new Cause(Code.QUERY_DROPPED, "OSS called with a query (names " + LogSafe.queryNames(urlQuery)
                        + ") and signed it; the request has none",
                        "pass the query through the proxy (nginx: proxy_pass without a URI part keeps it), and hand"
                                + " the verifier getQueryString()");
            }
            return new Cause(Code.QUERY_REENCODED, "OSS signed the query as the callback URL has it; the request's"
                    + " query differs (names " + LogSafe.queryNames(query == null ? "" : query) + ")",
                    "hand the verifier the raw query (getQueryString), not one rebuilt from parameters");
        }

        private boolean verifies(PublicKey key, byte[] signature, String rawPath, String rawQuery, byte[] body) {
            if (tried > budget) {
                return false;
            }
            tried++;
            try {
                return StringToSign.of(rawPath, rawQuery, body).verifies(key, signature);
            } catch (InvalidKeyException e) {
                return false;
            }
        }

        private static List<String> withoutLeadingSegments(String path) {
            List<String> out = new ArrayList<>();
            int from = 0;
            for (int i = 0; i < 8; i++) {
                int next = path.indexOf('/', from + 1);
                if (next < 0) {
                    break;
                }
                out.add(path.substring(next));
                from = next;
            }
            return out;
        }

        private static Set<String> pathVariants(String path) {
            Set<String> out = new LinkedHashSet<>();
            // Encoded once more on the way (the path OSS signed decodes twice to what was sent).
            out.add(new String(PercentDecoder.decode(path, false), StandardCharsets.UTF_8));
            // Decoded on the way: what arrived is what OSS signed, taken literally.
            out.add(path.replace("%", "%25"));
            out.add(path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path + "/");
            out.add(path.replaceAll("/{2,}", "/"));
            out.add(path.replace("%20", "+"));
            out.add(path.replace("+", "%2B"));
            out.remove(path);
            return out;
        }

        private static Set<String> queryVariants(String query) {
            Set<String> out = new LinkedHashSet<>();
            out.add(query.replace("%20", "+"));
            out.add(query.replace("+", "%20"));
            out.add(new String(PercentDecoder.decode(query, false), StandardCharsets.UTF_8));
            out.add(reencode(query, false));
            out.add(reencode(query, true));
            out.add(query.replaceAll("=(&|$)", "$1"));
            out.add(lowerHex(query));
            out.remove(query);
            return out;
        }

        /** Each pair decoded and encoded again, as URLEncoder does ({@code +} or {@code %20} for a space). */
        private static String reencode(String form, boolean spaceAsPercent) {
            StringBuilder out = new StringBuilder();
            for (String pair : form.split("&", -1)) {
                if (out.length() > 0 || form.startsWith("&")) {
                    out.append('&');
                }
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                out.append(encode(decode(name), spaceAsPercent));
                if (eq >= 0) {
                    out.append('=').append(encode(decode(pair.substring(eq + 1)), spaceAsPercent));
                }
            }
            return out.toString();
        }

        private static String decode(String s) {
            return new String(PercentDecoder.decode(s, true), StandardCharsets.UTF_8);
        }

        private static String encode(String s, boolean spaceAsPercent) {
            String encoded = URLEncoder.encode(s, StandardCharsets.UTF_8);
            return spaceAsPercent ? encoded.replace("+", "%20") : encoded;
        }

        private static String lowerHex(String s) {
            StringBuilder out = new StringBuilder(s);
            for (int i = 0; i + 2 < out.length(); i++) {
                if (out.charAt(i) == '%') {
                    out.setCharAt(i + 1, Character.toLowerCase(out.charAt(i + 1)));
                    out.setCharAt(i + 2, Character.toLowerCase(out.charAt(i + 2)));
                }
            }
            return out.toString();
        }

        private static List<byte[]> bodyVariants(byte[] body) {
            List<byte[]> out = new ArrayList<>();
            String text = new String(body, StandardCharsets.UTF_8);
            String trimmed = text.replaceAll("(\r?\n)+$", "");
            if (!trimmed.equals(text)) {
                out.add(trimmed.getBytes(StandardCharsets.UTF_8));
            }
            String t = trimmed.trim();
            if (t.startsWith("{") || t.startsWith("[")) {
                try {
                    JsonNode tree = JSON.readTree(t);
                    out.add(JSON.writeValueAsBytes(tree));
                    out.add(spaced(JSON.writeValueAsString(tree)).getBytes(StandardCharsets.UTF_8));
                    out.add(JSON.writeValueAsString(tree).replace("/", "\\/").getBytes(StandardCharsets.UTF_8));
                    out.add(PRETTY.writeValueAsBytes(tree));
                } catch (JsonProcessingException e) {
                    // not JSON after all: nothing to compact
                }
            } else if (t.contains("=")) {
                out.add(reencode(t, false).getBytes(StandardCharsets.UTF_8));
                out.add(reencode(t, true).getBytes(StandardCharsets.UTF_8));
                out.add(t.replace("%20", "+").getBytes(StandardCharsets.UTF_8));
                out.add(t.replace("+", "%20").getBytes(StandardCharsets.UTF_8));
                out.add(lowerHex(t).getBytes(StandardCharsets.UTF_8));
            }
            if (text.contains("\r\n")) {
                out.add(text.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.removeIf(b -> java.util.Arrays.equals(b, body));
            return out;
        }

        /** JSON as Python's json.dumps writes it: {@code ", "} and {@code ": "} between tokens. */
        private static String spaced(String compact) {
            StringBuilder out = new StringBuilder();
            boolean inString = false;
            for (int i = 0; i < compact.length(); i++) {
                char c = compact.charAt(i);
                out.append(c);
                if (c == '"' && (i == 0 || compact.charAt(i - 1) != '\\')) {
                    inString = !inString;
                } else if (!inString && (c == ',' || c == ':')) {
                    out.append(' ');
                }
            }
            return out.toString();
        }
    }
}
