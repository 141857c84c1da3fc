package io.github.osscallback.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.osscallback.CallbackDiagnosis;
import io.github.osscallback.CallbackRequest;
import io.github.osscallback.KeyUrlPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code diagnose}: verifies a captured request offline and, when it does not verify, says why
 * and what to change ({@link CallbackDiagnosis}, the engine the verifier's diagnostics setting uses).
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Verifies a captured callback request offline against OSS's pinned key (or your own key)",
                "and, when it does not verify, finds what changed it on the way and what to do."},
        footer = {"", "FILE is the raw HTTP/1.1 request: request line, headers, a blank line, the body (CRLF or LF).",
                "Exit 0 verified, 1 not verified, 2 bad input. Cause codes: docs/cli.md."})
final class DiagnoseCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--request", required = true, paramLabel = "FILE", description = "the captured raw HTTP request")
    Path requestFile;

    @Option(names = "--callback-url", paramLabel = "URL",
            description = "the callbackUrl the upload named: finds a stripped path prefix or a dropped query")
    String callbackUrl;

    @Option(names = "--key-url-prefix", paramLabel = "P",
            description = "also trust key URLs under this prefix (repeatable; OSS's key files are always trusted)")
    List<String> keyUrlPrefixes = new ArrayList<>();

    @Option(names = "--key", paramLabel = "FILE",
            description = "the PEM public key your own key URL serves (never fetched)")
    Path keyFile;

    @Option(names = "--json", description = "print {\"verified\": ..., \"causes\": [{\"code\", \"message\", \"fix\"}]}")
    boolean json;

    @Override
    public Integer call() throws IOException {
        byte[] raw;
        try {
            raw = Files.readAllBytes(requestFile);
        } catch (NoSuchFileException e) {
            throw new Main.BadInput("--request: no such file: " + requestFile);
        }
        CallbackRequest request = RawRequest.parse(raw);
        CallbackDiagnosis.Builder diagnosis = CallbackDiagnosis.builder(request);
        if (callbackUrl != null) {
            try {
                diagnosis.callbackUrl(callbackUrl);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--callback-url: " + e.getMessage());
            }
        }
        KeyUrlPolicy.Builder policy = KeyUrlPolicy.builder().allowOssKeyFiles();
        for (String prefix : keyUrlPrefixes) {
            try {
                policy.allowPrefix(prefix);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--key-url-prefix: " + e.getMessage());
            }
        }
        diagnosis.keyUrlPolicy(policy.build());
        if (keyFile != null) {
            diagnosis.publicKey(Pem.publicKey("--key " + keyFile, Pem.readFile("--key", keyFile)));
        }
        CallbackDiagnosis result;
        try {
            result = diagnosis.run();
        } catch (IllegalStateException e) {
            throw new Main.BadInput(e.getMessage() + "; pass it with --key FILE");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = JSON.createObjectNode();
            root.put("verified", result.verified());
            ArrayNode causes = root.putArray("causes");
            for (CallbackDiagnosis.Cause cause : result.causes()) {
                causes.addObject().put("code", cause.code().id()).put("message", cause.message()).put("fix", cause.fix());
            }
            out.println(root);
        } else if (result.verified()) {
            out.println("verified: " + request + " is a genuine OSS callback as it stands");
        } else {
            out.println("NOT verified: " + request);
            for (CallbackDiagnosis.Cause cause : result.causes()) {
                out.println();
                out.println("  " + cause.code().id() + ": " + cause.message());
                out.println("    fix: " + cause.fix());
            }
        }
        return result.verified() ? 0 : Main.FAILED;
    }
}
