package io.github.osscallback.examples;

import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code sign}: prints a ready {@code curl} command that POSTs a callback signed as OSS signs it,
 * so an operator can test a staging endpoint. The endpoint must trust {@code --key-url}, and that
 * URL must serve the public key of {@code --key} (printed to standard error as a reminder). Only the
 * command goes to standard output, so it can be piped to {@code sh}.
 */
final class SignCommand {

    static final String USAGE = String.join("\n",
            "usage: java -jar oss-callback-examples.jar sign --url URL --key PEM-FILE --key-url URL",
            "                                                [--content-type form|json|TYPE] [--body TEXT]",
            "",
            "  --url URL                   the callback endpoint, with its query if any",
            "  --key PEM-FILE              RSA private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)",
            "  --key-url URL               where the endpoint fetches the public key (x-oss-pub-key-url)",
            "  --content-type form|json|TYPE  body type (default form: application/x-www-form-urlencoded)",
            "  --body TEXT                 the callback body, sent as is (default empty)");

    private final String url;
    private final String rawPath;
    private final String rawQuery;
    private final OssCallbackSigner signer;
    private final String keyUrl;
    private final String contentType;
    private final byte[] body;

    private SignCommand(String url, URI target, OssCallbackSigner signer, String keyUrl, String contentType, String body) {
        this.url = url;
        this.rawPath = target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        this.rawQuery = target.getRawQuery();
        this.signer = signer;
        this.keyUrl = keyUrl;
        this.contentType = contentType;
        this.body = body.getBytes(StandardCharsets.UTF_8);
    }

    /** Parses the options after {@code sign}. */
    static SignCommand parse(List<String> options) throws IOException {
        String url = null;
        String keyFile = null;
        String keyUrl = null;
        String contentType = "form";
        String body = "";
        for (int i = 0; i < options.size(); i++) {
            String option = options.get(i);
            if (i + 1 >= options.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = options.get(++i);
            switch (option) {
                case "--url":
                    url = value;
                    break;
                case "--key":
                    keyFile = value;
                    break;
                case "--key-url":
                    keyUrl = value;
                    break;
                case "--content-type":
                    contentType = value;
                    break;
                case "--body":
                    body = value;
                    break;
                default:
                    throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (url == null || keyFile == null || keyUrl == null) {
            throw new IllegalArgumentException("--url, --key and --key-url are required");
        }
        return new SignCommand(url, target(url), signer(keyFile), keyUrl, contentType(contentType), body);
    }

    private static URI target(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url is not a URL: " + e.getMessage());
        }
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException("--url must be an absolute http or https URL, got " + url);
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("--url must not have a fragment: curl would not send it");
        }
        return uri;
    }

    private static OssCallbackSigner signer(String keyFile) throws IOException {
        String pem;
        try {
            pem = Files.readString(Path.of(keyFile), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("--key: no such file: " + keyFile);
        }
        try {
            return OssCallbackSigner.fromPem(pem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--key " + keyFile + ": " + e.getMessage());
        }
    }

    private static String contentType(String value) {
        switch (value) {
            case "form":
                return "application/x-www-form-urlencoded";
            case "json":
                return "application/json";
            default:
                if (value.indexOf('/') <= 0) {
                    throw new IllegalArgumentException("--content-type must be form, json or a media type, got " + value);
                }
                return value;
        }
    }

    /** Prints the curl command to {@code out} and the public key the endpoint must trust to {@code notes}. */
    void print(PrintStream out, PrintStream notes) {
        Map<String, String> headers = signer.headers(keyUrl, rawPath, rawQuery, contentType, body);
        List<String> lines = new ArrayList<>();
        lines.add("curl -sS -X POST " + quote(url));
        headers.forEach((name, value) -> lines.add("  -H " + quote(name + ": " + value)));
        lines.add("  --data-binary " + quote(new String(body, StandardCharsets.UTF_8)));
        out.println(String.join(" \\\n", lines));
        notes.println("# signed for path " + rawPath + (rawQuery == null ? "" : " and query " + rawQuery)
                + "; " + keyUrl + " must serve this public key, and the endpoint must trust that URL:");
        notes.print(signer.publicKeyPem());
    }

    /** POSIX shell single quotes: everything literal, a quote written as {@code '\''}. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
