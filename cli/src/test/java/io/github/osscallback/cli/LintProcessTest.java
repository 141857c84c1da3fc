package io.github.osscallback.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.BodyType;
import io.github.osscallback.upload.CallbackParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LintProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode lint(int expectedExit, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("lint", "--json"));
        args.addAll(List.of(options));
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        assertEquals(expectedExit, result.exit, result.toString());
        return JSON.readTree(result.out);
    }

    private static List<String> codes(JsonNode out) {
        List<String> codes = new ArrayList<>();
        out.get("findings").forEach(f -> codes.add(f.get("severity").asText() + " " + f.get("code").asText()));
        return codes;
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of("{\"callbackUrl\":\"https://a.example.com/cb\",\"callbackBody\":\"b=${bucket}\"", "invalid_json"),
                Arguments.of("[1]", "invalid_json"),
                Arguments.of("{\"callbackUrl\":\"https://a.example.com/cb\",\"callbackBody\":\"{\"bucket\":${bucket}}\","
                        + "\"callbackBodyType\":\"application/json\"}", "callback_body_unescaped"),
                Arguments.of("{\"callbackBody\":\"b=${bucket}\"}", "callback_url_missing"),
                Arguments.of("{\"callbackUrl\":\"http://a/1;http://a/2;http://a/3;http://a/4;http://a/5;http://a/6\","
                        + "\"callbackBody\":\"b=${bucket}\"}", "callback_url_count"),
                Arguments.of("{\"callbackUrl\":\"ftp://a.example.com/cb\",\"callbackBody\":\"b=${bucket}\"}", "callback_url_invalid"),
                Arguments.of("{\"callbackUrl\":\"http://[::1]:8080/cb\",\"callbackBody\":\"b=${bucket}\"}", "callback_url_ipv6"),
                Arguments.of("{\"callbackUrl\":\"https://a.example.com/cb\",\"callbackBody\":\"b=${bucket}\","
                        + "\"callbackBodyType\":\"text/plain\"}", "callback_body_type"),
                Arguments.of("{\"callbackUrl\":\"https://a.example.com/cb\",\"callbackBody\":\"b=${bucket}\","
                        + "\"callbackSNI\":\"true\"}", "callback_sni_not_boolean"),
                Arguments.of("{\"callbackUrl\":\"https://a.example.com/cb\",\"callbackBody\":\"b=${bucket}\","
                        + "\"callbackHost\":\"https://a.example.com/\"}", "callback_host_invalid"),
                Arguments.of("{\"callbackUrl\":\"https://a.example.com/cb\"}", "callback_body_missing"),
                Arguments.of("{\"callbackUrl\":\"https://a.example.com/cb\",\"callbackBody\":\"{\\\"object\\\":\\\"${object}\\\"}\","
                        + "\"callbackBodyType\":\"application/json\"}", "quoted_placeholder"),
                Arguments.of("{\"callbackUrl\":\"https://a.example.com/cb?object=1\",\"callbackBody\":\"object=${object}\"}",
                        "query_body_collision"),
                Arguments.of("{\"callbackUrl\":\"https://a.example.com/cb\",\"callbackBody\":\"b=${bucket}&u=${x:uid}\"}",
                        "variable_without_value"),
                Arguments.of("{\"callbackUrl\":\"https://a.example.com/cb\",\"callbackBody\":\"b=${bukket}\"}",
                        "unknown_placeholder"),
                Arguments.of("{\"callbackPolicy\":\"\"}", "callback_policy_invalid"));
    }

    @ParameterizedTest
    @MethodSource("broken")
    void eachMalformedCallbackIsAnErrorWithItsCode(String callback, String code) throws Exception {
        JsonNode out = lint(1, "--callback", callback);
        assertTrue(codes(out).contains("error " + code), codes(out) + " for " + callback);
    }

    @Test
    void parametersBuiltByTheLibraryAreCleanAsBase64() throws Exception {
        CallbackParameters parameters = CallbackParameters.builder()
                .callbackUrl("https://a.example.com/oss/callback")
                .callbackBody("{\"bucket\":${bucket},\"object\":${object},\"size\":${size},\"uid\":${x:uid}}")
                .bodyType(BodyType.JSON)
                .customVariable("x:uid", "42")
                .build();
        JsonNode out = lint(0, "--callback", parameters.callbackHeader(),
                "--callback-var", parameters.callbackVarHeader().orElseThrow());
        assertEquals(0, out.get("errors").asInt(), out.toString());
        assertEquals(List.of(), codes(out));
    }

    @Test
    void readsTheCallbackFromAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("callback.json");
        Files.writeString(file, "{\"callbackUrl\":\"https://a.example.com/cb\",\"callbackBody\":\"bucket=${bucket}\"}\n");
        lint(0, "--callback", "@" + file);
        assertEquals(2, Cli.run("lint", "--callback", "@" + dir.resolve("missing.json")).exit);
    }

    @Test
    void uploadTokensNeedTheTokenVariable() throws Exception {
        String callback = "{\"callbackUrl\":\"https://a.example.com/cb\",\"callbackBody\":\"bucket=${bucket}\"}";
        lint(0, "--callback", callback);
        assertTrue(codes(lint(1, "--callback", callback, "--upload-tokens")).contains("error upload_token_missing"));
    }

    @Test
    void aBucketCallbackPolicyIsAcceptedWithAWarning() throws Exception {
        JsonNode out = lint(0, "--callback", CallbackParameters.policyHeader("uploads"));
        assertEquals(List.of("warning callback_policy"), codes(out));
    }

    @Test
    void textThatIsNeitherJsonNorBase64IsAnError() throws Exception {
        Cli.Result result = Cli.run("lint", "--callback", "not base64 *");
        assertEquals(1, result.exit, result.toString());
        assertTrue(result.out.contains("error not_base64: "), result.out);
    }
}
