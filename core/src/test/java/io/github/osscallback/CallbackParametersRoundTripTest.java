package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.upload.CallbackParameters;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property (issue 12, item 4): whatever {@link CallbackParameters} accepts produces callbacks the
 * verifier reads back exactly, in strict mode. Random templates (form and JSON, system and
 * {@code x:} variables, non-ASCII values, constants with reserved characters, nested JSON objects,
 * upload tokens, non-ASCII callback URLs) are built by the builder, rendered as OSS renders them
 * ({@link io.github.osscallback.testing.OssTemplate}), signed, verified, and every field compared.
 * Deterministic: fixed seeds, a thousand cases each.
 */
class CallbackParametersRoundTripTest {

    private static final int CASES_PER_SEED = 1000;
    private static final String[] RESERVED = {"%", "&", "=", "+", "\"", "\\", " ", "#", "?", "/", ";", ":", "{", "}",
        "${", "\n", "\t", "%2", "%zz", "%41", "\u00e9", "\u4e2d", "\ud83d\ude00", "'", "<", ",", "[", "]"};
    private static final byte[] TOKEN_SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final UploadTokens TOKENS = UploadTokens.builder().signingKey("k1", TOKEN_SECRET).build();
    private static final CallbackVerifier WITH_TOKENS = RoundTrip.verifier().uploadTokens(TOKENS).build();

    @ParameterizedTest
    @ValueSource(longs = {1L, 12L, 2026L})
    void everyBuiltTemplateReadsBackExactly(long seed) throws Exception {
        Random random = new Random(seed);
        for (int i = 0; i < CASES_PER_SEED; i++) {
            Case c = new Case(random);
            OssCallback callback;
            try {
                callback = RoundTrip.verified(c.tokens ? WITH_TOKENS : RoundTrip.STRICT, c.parameters, c.systemValues,
                        c.rawPath, c.rawQuery);
            } catch (CallbackRejectedException e) {
                throw new AssertionError("seed " + seed + " case " + i + ": " + c + " -> " + e, e);
            }
            assertEquals(c.expected, callback.fields(), () -> "seed " + seed + ": " + c);
            assertTrue(callback.bodyProblem().isEmpty());
            if (c.tokens) {
                assertEquals(c.systemValues.get("object"), callback.object().orElseThrow());
                assertEquals("subject", callback.uploadSubject().orElseThrow());
            }
        }
    }

    /** One random template, its parameters, the values OSS substitutes, and the fields expected back. */
    private static final class Case {
        final boolean json;
        final boolean tokens;
        final Map<String, String> systemValues = new HashMap<>();
        final Map<String, String> customValues = new LinkedHashMap<>();
        final Map<String, String> expected = new LinkedHashMap<>();
        final String template;
        final CallbackParameters parameters;
        final String rawPath;
        final String rawQuery;
        private final Random random;
        private final Set<String> names = new LinkedHashSet<>();

        Case(Random random) {
            this.random = random;
            json = random.nextBoolean();
            tokens = random.nextInt(8) == 0;
            systemValues();
            for (int i = random.nextInt(4); i > 0; i--) {
                customValues.put("x:" + word("abcdefghijklmnopqrstuvwxyz0123456789_-", 1, 8), text(0, 12));
            }
            names.add("size"); // where the verifier reads ${size}: the builder refuses text there
            if (tokens) {
                names.addAll(List.of("bucket", "object", UploadTokens.BODY_FIELD));
            }
            List<String> parts = new ArrayList<>();
            for (int i = 1 + random.nextInt(6); i > 0; i--) {
                parts.add(json && random.nextInt(6) == 0 ? nestedObject() : field(""));
            }
            template = json ? "{" + String.join(",", parts) + "}" : String.join("&", parts);
            CallbackParameters.Builder builder = CallbackParameters.builder()
                    .callbackUrl(callbackUrl())
                    .callbackBody(template)
                    .bodyType(json ? BodyType.JSON : BodyType.FORM);
            customValues.forEach(builder::customVariable);
            if (tokens) {
                String token = TOKENS.issueForObject(systemValues.get("bucket"), systemValues.get("object"), "subject",
                        Duration.ofMinutes(5));
                builder.uploadToken(token);
                expected.put("bucket", systemValues.get("bucket"));
                expected.put("object", systemValues.get("object"));
                expected.put(UploadTokens.BODY_FIELD, token);
            }
            parameters = builder.build();
            URI sent = URI.create(parameters.callbackJson().isEmpty() ? "" : firstUrl(parameters));
            rawPath = sent.getRawPath().isEmpty() ? "/" : sent.getRawPath();
            rawQuery = sent.getRawQuery();
        }

        private void systemValues() {
            systemValues.put("bucket", word("abcdefghijklmnopqrstuvwxyz0123456789-", 3, 20));
            systemValues.put("object", random.nextInt(10) == 0 ? "a.png" : "users/" + text(1, 24));
            systemValues.put("etag", word("0123456789ABCDEF", 32, 32));
            systemValues.put("size", Long.toString(random.nextInt(4) == 0 ? 0 : Math.abs(random.nextLong() % 100_000_000_000L)));
            systemValues.put("mimeType", random.nextBoolean() ? "image/png" : "application/octet-stream");
            boolean image = random.nextBoolean();
            systemValues.put("imageInfo.height", image ? Integer.toString(1 + random.nextInt(9000)) : "");
            systemValues.put("imageInfo.width", image ? Integer.toString(1 + random.nextInt(9000)) : "");
            systemValues.put("imageInfo.format", image ? "png" : "");
            systemValues.put("crc64", Long.toUnsignedString(random.nextLong()));
            systemValues.put("contentMd5", word("ABCDEFabcdef0123456789+/", 22, 22) + "==");
            systemValues.put("vpcId", random.nextBoolean() ? "" : "vpc-" + word("abc123", 6, 6));
            systemValues.put("clientIp", random.nextInt(256) + ".0.2." + random.nextInt(256));
            systemValues.put("reqId", word("0123456789ABCDEF", 24, 24));
            systemValues.put("operation", random.nextBoolean() ? "PutObject" : "CompleteMultipartUpload");
        }

        /** A field of a form or JSON template; {@code prefix} is the dotted path of an enclosing object. */
        private String field(String prefix) {
            String name;
            do {
                name = random.nextInt(10) == 0 ? "\u540d" + word("abc", 1, 3)
                        : random.nextInt(5) == 0 && !json ? "x:" + word("abcdefghij", 1, 6)
                        : word("abcdefghijklmnopqrstuvwxyz_0123456789", 1, 10);
            } while (!names.add(prefix + name) || (!prefix.isEmpty() && names.contains(prefix.substring(0, prefix.length() - 1))));
            String placeholderName = null;
            String value;
            int kind = random.nextInt(3);
            if (kind == 0) {
                SystemVariable v;
                do {
                    v = SystemVariable.values()[random.nextInt(SystemVariable.values().length)];
                } while (tokens && (v == SystemVariable.BUCKET || v == SystemVariable.OBJECT));
                placeholderName = v.variableName();
                value = systemValues.get(placeholderName);
            } else if (kind == 1 && !customValues.isEmpty()) {
                List<String> custom = new ArrayList<>(customValues.keySet());
                placeholderName = custom.get(random.nextInt(custom.size()));
                value = customValues.get(placeholderName);
            } else {
                value = text(0, 10);
            }
            String rendered;
            if (json) {
                rendered = placeholderName != null ? "${" + placeholderName + "}" : constantJson(value);
                if (placeholderName == null && rendered.charAt(0) != '"') {
                    value = rendered;
                }
                expected.put(prefix + name, value);
                return jsonString(name) + ":" + rendered;
            }
            rendered = placeholderName != null ? "${" + placeholderName + "}" : constantForm(value);
            expected.put(name, value);
            return formName(name) + "=" + rendered;
        }

        private String nestedObject() {
            String group = word("abcdefghijklmnop", 2, 6);
            if (names.contains(group) || !names.add(group + ".")) {
                return field("");
            }
            List<String> inner = new ArrayList<>();
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                inner.add(field(group + "."));
            }
            return jsonString(group) + ":{" + String.join(",", inner) + "}";
        }

        /** A JSON constant: mostly a string, sometimes a bare number. */
        private String constantJson(String value) {
            return random.nextInt(4) == 0 ? Integer.toString(random.nextInt(100000)) : jsonString(value);
        }

        /**
         * A form constant as a template author writes it: form-encoded, except that a literal
         * {@code %} is sometimes left bare where it starts no escape (the builder sends it as
         * {@code %25}) and non-ASCII text is sometimes written raw.
         */
        private String constantForm(String value) {
            StringBuilder out = new StringBuilder();
            value.codePoints().forEach(cp -> {
                String ch = new String(Character.toChars(cp));
                if (cp >= 0x80 && random.nextBoolean()) {
                    out.append(ch);
                } else {
                    out.append(URLEncoder.encode(ch, StandardCharsets.UTF_8));
                }
            });
            String encoded = out.toString();
            StringBuilder relaxed = new StringBuilder();
            for (int i = 0; i < encoded.length(); i++) {
                boolean percent = encoded.startsWith("%25", i);
                boolean hexFollows = i + 4 < encoded.length() && isHex(encoded.charAt(i + 3)) && isHex(encoded.charAt(i + 4));
                if (percent && !hexFollows && random.nextBoolean()) {
                    relaxed.append('%');
                    i += 2;
                } else {
                    relaxed.append(encoded.charAt(i));
                }
            }
            return relaxed.toString();
        }

        private static boolean isHex(char c) {
            return Character.digit(c, 16) >= 0;
        }

        private static String formName(String name) {
            return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("%3A", ":");
        }

        /** A JSON string literal; {@code $} escaped, since OSS would take {@code ${} in a template for a placeholder. */
        private static String jsonString(String s) {
            try {
                return JsonCodec.MAPPER.writeValueAsString(s).replace("$", "\\u0024");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * A callback URL, sometimes with non-ASCII or spaces in path and query for the builder to
         * encode. Query names hold a '-', which no generated field name does: a query naming a body
         * field is refused by the builder (see CallbackParametersTest).
         */
        private String callbackUrl() {
            String path = "/cb/" + word("abcdef", 1, 6) + (random.nextBoolean() ? "/\u56de\u8c03 " + word("xyz", 1, 3) : "");
            String query = random.nextInt(3) == 0 ? "?q-u=" + word("abc", 1, 3) + (random.nextBoolean() ? "&q-n=\u503c" : "") : "";
            return "https://app.example" + path + query;
        }

        private static String firstUrl(CallbackParameters p) {
            try {
                return JsonCodec.MAPPER.readTree(p.callbackJson()).get("callbackUrl").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private String word(String alphabet, int min, int max) {
            StringBuilder s = new StringBuilder();
            for (int n = min + random.nextInt(max - min + 1); n > 0; n--) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return s.toString();
        }

        /** Text mixing letters, reserved characters and non-ASCII (including a surrogate pair). */
        private String text(int min, int max) {
            StringBuilder s = new StringBuilder();
            for (int n = min + random.nextInt(max - min + 1); n > 0; n--) {
                s.append(random.nextInt(3) == 0 ? RESERVED[random.nextInt(RESERVED.length)]
                        : word("abcXYZ019.-_~", 1, 1));
            }
            return s.toString();
        }

        @Override
        public String toString() {
            return (json ? "JSON " : "form ") + "template " + template + " with " + systemValues + " and " + customValues;
        }
    }
}
