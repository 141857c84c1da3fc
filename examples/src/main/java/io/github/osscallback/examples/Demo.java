package io.github.osscallback.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.BodyType;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.UploadTokens;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.OssTemplate;
import io.github.osscallback.upload.CallbackParameters;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Plays OSS against both endpoints on loopback: a stand-in for OSS's key host, genuine form and
 * JSON callbacks (issued with upload tokens, rendered as OSS renders templates), a tampered body,
 * a forged key URL, a GET, and genuinely OSS-signed callbacks from an attacker's own template: a
 * constant bucket with a token issued for another object, and a token copied after its callback
 * was accepted; and checks each answer.
 */
final class Demo {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The containers the demo starts. Jersey logs a client that closes its connection while a reply is committed
     * as a SEVERE stack trace (the JDK client does so in about half the runs); the demo's output is its table.
     * Held here because java.util.logging keeps loggers only weakly, and a collected logger loses its level.
     * {@code org.glassfish.jersey} is named too: a level set on it (as {@code Main} does) overrides its parent's.
     */
    private static final List<Logger> CONTAINER_LOGS = List.of(Logger.getLogger("org.glassfish"),
            Logger.getLogger("org.glassfish.jersey"), Logger.getLogger("org.eclipse.jetty"));

    private record Case(String name, String endpoint, int expectedStatus, String expected, int status, String got,
                        boolean ok) {
    }

    private Demo() {
    }

    /** Runs the demo, prints a table, and says whether every case behaved as it should. */
    static boolean run(PrintStream out) throws Exception {
        List<Level> levels = new ArrayList<>();
        for (Logger log : CONTAINER_LOGS) {
            levels.add(log.getLevel());
            log.setLevel(Level.OFF);
        }
        try {
            return runSilenced(out);
        } finally {
            for (int i = 0; i < CONTAINER_LOGS.size(); i++) {
                CONTAINER_LOGS.get(i).setLevel(levels.get(i));
            }
        }
    }

    private static boolean runSilenced(PrintStream out) throws Exception {
        OssCallbackSigner oss = OssCallbackSigner.generate();
        OssCallbackSigner attacker = OssCallbackSigner.generate();
        List<Case> cases = new ArrayList<>();
        try (LoopbackKeyServer ossKeys = LoopbackKeyServer.start();
             LoopbackKeyServer attackerKeys = LoopbackKeyServer.start()) {
            ossKeys.serve("/callback_pub_key_v1.pem", oss.publicKeyPem());
            attackerKeys.serve("/key.pem", attacker.publicKeyPem());
            String keyUrl = ossKeys.url("/callback_pub_key_v1.pem");
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            UploadTokens tokens = UploadTokens.builder().signingKey("demo-1", secret).expectedBuckets("demo-bucket").build();
            CallbackVerifier verifier = CallbackVerifier.builder()
                    .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(ossKeys.baseUrl() + "/").build())
                    .uploadTokens(tokens)
                    .build();
            verifier.prefetchKey(keyUrl);
            try (ExampleServer server = ExampleServer.start("127.0.0.1", 0, verifier, new PrintStream(OutputStream.nullOutputStream()))) {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                String base = "http://127.0.0.1:" + server.port();
                for (String endpoint : List.of("servlet", "jaxrs")) {
                    String path = "/" + endpoint + "/uploads";
                    String callbackUrl = base + path;

                    // What the application hands the uploader, and what OSS then renders and signs. The token
                    // binds the object, this endpoint's path and the form body type, and is good for one callback.
                    String catToken = tokens.grant("demo-bucket").object("photos/cat.jpg").subject("user-1001")
                            .validity(Duration.ofMinutes(15)).callbackPath(path).bodyType(BodyType.FORM).issue();
                    CallbackParameters formParams = CallbackParameters.builder().callbackUrl(callbackUrl)
                            .callbackBody("bucket=${bucket}&object=${object}&size=${size}&mimeType=${mimeType}")
                            .uploadToken(catToken).build();
                    String form = OssTemplate.renderForm(template(formParams), upload(formParams, "photos/cat.jpg", "2048"));
                    cases.add(check(http, "valid form callback", endpoint, 200, "photos/cat.jpg",
                            signed(oss, keyUrl, base, path, "source=demo", "application/x-www-form-urlencoded", form)));

                    String unicodeObject = "\u4e0a\u4f20/\u732b.png";
                    CallbackParameters jsonParams = CallbackParameters.builder().callbackUrl(callbackUrl)
                            .bodyType(BodyType.JSON)
                            .callbackBody("{\"bucket\":${bucket},\"object\":${object},\"size\":${size},"
                                    + "\"x:uid\":${x:uid},\"x:album\":${x:album}}")
                            .customVariable("x:uid", "1001").customVariable("x:album", "holiday")
                            .uploadToken(tokens.grant("demo-bucket").object(unicodeObject).subject("user-1001")
                                    .validity(Duration.ofMinutes(15)).callbackPath(path).bodyType(BodyType.JSON).issue())
                            .build();
                    String json = OssTemplate.renderJson(template(jsonParams), upload(jsonParams, unicodeObject, "512"));
                    cases.add(check(http, "valid JSON callback, x: vars, non-ASCII", endpoint, 200, unicodeObject,
                            signed(oss, keyUrl, base, path, null, "application/json", json)));

                    HttpRequest.Builder tampered = signed(oss, keyUrl, base, path, null,
                            "application/x-www-form-urlencoded", form);
                    cases.add(check(http, "tampered body", endpoint, 403, "signature_mismatch",
                            tampered.POST(HttpRequest.BodyPublishers.ofString(form.replace("2048", "1")))));
                    cases.add(check(http, "forged key URL (attacker's key)", endpoint, 403, "untrusted_key_url",
                            signed(attacker, attackerKeys.url("/key.pem"), base, path, null,
                                    "application/x-www-form-urlencoded", form)));

                    // Signed by OSS (the stand-in) all the same: another OSS customer's own template, with a
                    // constant bucket and a token the application issued for a different object.
                    String constantBucket = "bucket=demo-bucket&object=photos%2Fdog.jpg&size=1&upload_token=" + catToken;
                    cases.add(check(http, "OSS-signed, constant bucket, other token", endpoint, 403, "upload_token_mismatch",
                            signed(oss, keyUrl, base, path, null, "application/x-www-form-urlencoded", constantBucket)));
                    // The token, copied from the upload form, in a template of the copier's own: the callback
                    // names the right object, OSS signs it, but the token already vouched for one callback.
                    String copied = "bucket=demo-bucket&object=photos%2Fcat.jpg&size=1&mimeType=text%2Fplain&upload_token="
                            + catToken;
                    cases.add(check(http, "OSS-signed, token copied, already used", endpoint, 409, "upload_token_used",
                            signed(oss, keyUrl, base, path, null, "application/x-www-form-urlencoded", copied)));
                    cases.add(check(http, "GET instead of POST", endpoint, 405, "method_not_allowed",
                            HttpRequest.newBuilder(URI.create(base + path)).GET()));
                }
            }
            if (!attackerKeys.requests().isEmpty()) {
                cases.add(new Case("attacker's key host was never contacted", "-", 0, "no requests", 0,
                        attackerKeys.requests().toString(), false));
            }
        }
        print(out, cases);
        return cases.stream().allMatch(Case::ok);
    }

    private static String template(CallbackParameters params) throws Exception {
        return JSON.readTree(params.callbackJson()).get("callbackBody").asText();
    }

    /** The variables OSS substitutes for an upload of {@code object}: system ones and the custom ones. */
    private static Map<String, String> upload(CallbackParameters params, String object, String size) {
        Map<String, String> values = new HashMap<>(params.customVariables());
        values.put("bucket", "demo-bucket");
        values.put("object", object);
        values.put("size", size);
        values.put("mimeType", "image/jpeg");
        return values;
    }

    private static HttpRequest.Builder signed(OssCallbackSigner signer, String keyUrl, String base, String path,
                                              String query, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path + (query == null ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        signer.headers(keyUrl, path, query, contentType, bytes).forEach(request::header);
        return request;
    }

    private static Case check(HttpClient http, String name, String endpoint, int expectedStatus, String expected,
                              HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String got;
        boolean ok;
        try {
            JsonNode body = JSON.readTree(response.body());
            if (expectedStatus == 200) {
                got = body.path("object").asText();
                ok = "OK".equals(body.path("status").asText()) && endpoint.equals(body.path("endpoint").asText());
            } else {
                got = body.path("reason").asText();
                ok = "REJECTED".equals(body.path("status").asText());
            }
        } catch (Exception e) {
            got = "not JSON: " + response.body();
            ok = false;
        }
        ok = ok && response.statusCode() == expectedStatus && expected.equals(got);
        return new Case(name, endpoint, expectedStatus, expected, response.statusCode(), got, ok);
    }

    private static void print(PrintStream out, List<Case> cases) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("request", "endpoint", "want", "got", "object / reason", "result"));
        for (Case c : cases) {
            rows.add(List.of(c.name(), c.endpoint(), String.valueOf(c.expectedStatus()), String.valueOf(c.status()),
                    c.got(), c.ok() ? "ok" : "FAILED"));
        }
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], displayWidth(row.get(i)));
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                String cell = rows.get(r).get(i);
                line.append(cell);
                if (i < widths.length - 1) {
                    line.append(" ".repeat(widths[i] - displayWidth(cell) + 2));
                }
            }
            out.println(line);
            if (r == 0) {
                out.println("-".repeat(Arrays.stream(widths).sum() + 2 * (widths.length - 1)));
            }
        }
        long failed = cases.stream().filter(c -> !c.ok()).count();
        out.println();
        out.println(failed == 0 ? "All " + cases.size() + " cases behaved as they should."
                : failed + " of " + cases.size() + " cases FAILED.");
    }

    /** Columns a terminal gives {@code text}: East Asian wide and fullwidth characters take two, marks none. */
    static int displayWidth(String text) {
        return text.codePoints().map(Demo::displayWidth).sum();
    }

    static int displayWidth(int codePoint) {
        int type = Character.getType(codePoint);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT) {
            return 0;
        }
        return isWide(codePoint) ? 2 : 1;
    }

    /** The East Asian Wide (W) and Fullwidth (F) blocks of Unicode's EastAsianWidth.txt, coarsely. */
    private static boolean isWide(int c) {
        return (c >= 0x1100 && c <= 0x115F)            // Hangul Jamo initials
                || (c >= 0x2E80 && c <= 0x303E)        // CJK radicals, Kangxi, CJK symbols and punctuation
                || (c >= 0x3041 && c <= 0x33FF)        // kana, Bopomofo, Hangul compatibility, CJK compatibility
                || (c >= 0x3400 && c <= 0x4DBF)        // CJK extension A
                || (c >= 0x4E00 && c <= 0x9FFF)        // CJK unified ideographs
                || (c >= 0xA000 && c <= 0xA4CF)        // Yi
                || (c >= 0xAC00 && c <= 0xD7A3)        // Hangul syllables
                || (c >= 0xF900 && c <= 0xFAFF)        // CJK compatibility ideographs
                || (c >= 0xFE30 && c <= 0xFE4F)        // CJK compatibility forms
                || (c >= 0xFF00 && c <= 0xFF60)        // fullwidth forms
                || (c >= 0xFFE0 && c <= 0xFFE6)        // fullwidth signs
                || (c >= 0x1F300 && c <= 0x1F64F)      // pictographs and emoticons
                || (c >= 0x1F900 && c <= 0x1F9FF)      // supplemental pictographs
                || (c >= 0x20000 && c <= 0x3FFFD);     // CJK extensions B and later
    }
}
