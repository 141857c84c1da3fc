package io.github.osscallback.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.osscallback.testing.CallbackAttempt;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.OssStandIn;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code send}: plays OSS against a server on this machine. An upload goes to an OSS stand-in on
 * loopback (oss-callback-test's {@link OssStandIn}), which stores the object, renders the callback
 * body from the template as OSS does, signs it, POSTs it to {@code --url} and judges the reply as
 * OSS would; this command reports what the uploader would see. The signing key's public half is
 * served on loopback by a {@link LoopbackKeyServer}, whose URL prefix the server must trust.
 */
@Command(name = "send", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Plays OSS against a local callback server: uploads to an OSS stand-in on loopback, which",
                "renders, signs and POSTs the callback to --url and judges the reply as OSS does."},
        footer = {"", "The server must trust the key URL prefix this command prints (e.g. the examples' serve:",
                "--allow-key-url-prefix http://127.0.0.1:PORT/); fix the port with --key-port to keep it."})
final class SendCommand implements Callable<Integer> {

    static final String FORM_TEMPLATE = "bucket=${bucket}&object=${object}&etag=${etag}&size=${size}&mimeType=${mimeType}";
    static final String JSON_TEMPLATE = "{\"bucket\":${bucket},\"object\":${object},\"etag\":${etag},\"size\":${size},"
            + "\"mimeType\":${mimeType}}";
    static final String KEY_PATH = "/callback_pub_key_v1.pem";
    private static final Pattern VARIABLE = Pattern.compile("(x:[a-z0-9_\\-]+)=(.*)", Pattern.DOTALL);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "the callback URL (http, a loopback address), with its query if any")
    String url;

    @Option(names = "--body-template", paramLabel = "T",
            description = "the callbackBody template (default: bucket, object, etag, size and mimeType in the body type)")
    String template;

    @Option(names = "--body-type", paramLabel = "form|json", defaultValue = "form",
            description = "callbackBodyType: form (application/x-www-form-urlencoded, default) or json")
    String bodyType;

    @Option(names = "--var", paramLabel = "x:name=value",
            description = "a custom variable, sent in x-oss-callback-var (repeatable)")
    List<String> variables = new ArrayList<>();

    @Option(names = "--callback-host", paramLabel = "HOST", description = "callbackHost: the Host header OSS sends")
    String callbackHost;

    @Option(names = "--bucket", paramLabel = "NAME", defaultValue = "examplebucket",
            description = "the bucket uploaded to, ${bucket} (default ${DEFAULT-VALUE})")
    String bucket;

    @Option(names = "--object", paramLabel = "KEY", defaultValue = "uploads/example.txt",
            description = "the object key, ${object} (default ${DEFAULT-VALUE})")
    String object;

    @Option(names = "--size", paramLabel = "N", defaultValue = "1024",
            description = "the object's size in bytes, ${size} (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--mime-type", paramLabel = "TYPE", defaultValue = "text/plain",
            description = "the object's Content-Type, ${mimeType} (default ${DEFAULT-VALUE})")
    String mimeType;

    @Option(names = "--key", paramLabel = "FILE",
            description = "sign with this PEM private key (default: a fresh 512-bit key)")
    Path keyFile;

    @Option(names = "--key-port", paramLabel = "N", defaultValue = "0",
            description = "serve the public key on this loopback port (default: a free one)")
    int keyPort;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
            description = "send the identical signed request N times in all, for replay checks (default 1)")
    int repeat;

    @Option(names = "--json", description = "print the outcome as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        URI target = target();
        if (size < 0 || size > 64 * 1024 * 1024) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--size must be 0 to 67108864, got " + size);
        }
        if (repeat < 1 || repeat > 1000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repeat must be 1 to 1000, got " + repeat);
        }
        if (keyPort < 0 || keyPort > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--key-port must be 0 to 65535, got " + keyPort);
        }
        String contentType = contentType();
        Map<String, String> vars = variables();
        OssCallbackSigner signer = keyFile == null ? OssCallbackSigner.generate() : signer();
        PrintWriter out = spec.commandLine().getOut();
        try (LoopbackKeyServer keys = startKeyServer();
             OssStandIn oss = OssStandIn.builder().buckets(bucketName()).signer(signer)
                     .keyUrl(keys.url(KEY_PATH)).start()) {
            keys.serve(KEY_PATH, signer.publicKeyPem());
            if (!json) {
                out.println("key URL prefix to trust: " + keys.baseUrl() + "/ (key " + keys.url(KEY_PATH) + ")");
            }
            HttpResponse<String> upload = upload(oss, callbackHeader(target, contentType), vars);
            List<CallbackAttempt> attempts = oss.callbacks();
            Outcome outcome = new Outcome(upload, attempts.isEmpty() ? null : attempts.get(attempts.size() - 1));
            List<Repeat> repeats = new ArrayList<>();
            if (outcome.attempt != null && outcome.attempt.status() != -1) {
                for (int i = 1; i < repeat; i++) {
                    repeats.add(resend(outcome.attempt));
                }
            }
            if (json) {
                out.println(outcome.json(keys.baseUrl() + "/", repeats));
            } else {
                outcome.print(out, repeats);
            }
            return outcome.succeeded() ? 0 : Main.FAILED;
        }
    }

    private URI target() {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--url is not a URL: " + e.getMessage());
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--url must be an http URL of a server on this machine (the stand-in calls loopback only), got " + url);
        }
        return uri;
    }

    private String bucketName() {
        if (!bucket.matches("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--bucket is not an OSS bucket name (3-63 of a-z, 0-9, '-'): " + bucket);
        }
        return bucket;
    }

    private String contentType() {
        switch (bodyType) {
            case "form":
                return "application/x-www-form-urlencoded";
            case "json":
                return "application/json";
            default:
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--body-type must be form or json, got " + bodyType);
        }
    }

    private Map<String, String> variables() {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String variable : variables) {
            Matcher m = VARIABLE.matcher(variable);
            if (!m.matches()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--var must be x:name=value with a lower-case name (a-z, 0-9, _ and -), got " + variable);
            }
            vars.put(m.group(1), m.group(2));
        }
        return vars;
    }

    private OssCallbackSigner signer() {
        try {
            return OssCallbackSigner.fromPem(Pem.readFile("--key", keyFile));
        } catch (IllegalArgumentException e) {
            throw new Main.BadInput("--key " + keyFile + ": " + e.getMessage());
        }
    }

    private LoopbackKeyServer startKeyServer() throws IOException {
        try {
            return LoopbackKeyServer.start(keyPort);
        } catch (BindException e) {
            throw new Main.BadInput("--key-port " + keyPort + ": the port is taken");
        }
    }

    /** The x-oss-callback header, as an uploader builds it: base64 of the callback JSON. */
    private String callbackHeader(URI target, String contentType) {
        ObjectNode callback = JSON.createObjectNode();
        callback.put("callbackUrl", target.toString());
        if (callbackHost != null) {
            callback.put("callbackHost", callbackHost);
        }
        callback.put("callbackBody", template != null ? template
                : contentType.equals("application/json") ? JSON_TEMPLATE : FORM_TEMPLATE);
        callback.put("callbackBodyType", contentType);
        return base64(callback.toString());
    }

    private HttpResponse<String> upload(OssStandIn oss, String callback, Map<String, String> vars)
            throws IOException, InterruptedException {
        byte[] content = new byte[size];
        for (int i = 0; i < size; i++) {
            content[i] = (byte) ('a' + i % 26);
        }
        StringBuilder path = new StringBuilder("/").append(bucket);
        for (String segment : object.split("/", -1)) {
            path.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(oss.endpoint() + path.toString()))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", mimeType)
                .header("x-oss-callback", callback)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
        if (!vars.isEmpty()) {
            put.header("x-oss-callback-var", base64(JSON.valueToTree(vars).toString()));
        }
        return HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()
                .send(put.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /**
     * The same signed request again, byte for byte, as a replayer would send it. OSS itself never
     * repeats a callback, so only the status and reply are reported, no verdict.
     */
    private static Repeat resend(CallbackAttempt first) throws IOException, InterruptedException {
        Set<String> restricted = Set.of("host", "content-length", "connection");
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(first.url()))
                .timeout(OssStandIn.DEFAULT_CALLBACK_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(first.body()));
        first.headers().forEach((name, value) -> {
            if (!restricted.contains(name)) {
                post.header(name, value);
            }
        });
        try {
            HttpResponse<String> response = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()
                    .send(post.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Repeat(response.statusCode(), response.body());
        } catch (IOException e) {
            return new Repeat(-1, "no answer: " + e.getClass().getSimpleName());
        }
    }

    private static String base64(String json) {
        return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** One repeated delivery's status and reply. */
    static final class Repeat {
        final int status;
        final String reply;

        Repeat(int status, String reply) {
            this.status = status;
            this.reply = reply;
        }
    }

    /** What the uploader saw, and the callback request behind it. */
    static final class Outcome {
        final int uploadStatus;
        final String uploadBody;
        final CallbackAttempt attempt;

        Outcome(HttpResponse<String> upload, CallbackAttempt attempt) {
            this.uploadStatus = upload.statusCode();
            this.uploadBody = upload.body();
            this.attempt = attempt;
        }

        boolean succeeded() {
            return uploadStatus == 200 && attempt != null && attempt.succeeded();
        }

        /** OSS's message in a 203 or 4xx answer to the uploader. */
        String ossMessage() {
            return element("Message");
        }

        String ossCode() {
            return element("Code");
        }

        private String element(String name) {
            Matcher m = Pattern.compile("<" + name + ">(.*?)</" + name + ">", Pattern.DOTALL).matcher(uploadBody);
            return m.find() ? m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                    .replace("&apos;", "'").replace("&amp;", "&") : null;
        }

        /** Why OSS failed the callback, in words a developer can act on. */
        String why() {
            String message = attempt == null ? ossMessage() : attempt.failure().orElse(null);
            if (message == null) {
                return null;
            }
            if (message.startsWith("Error status : -1")) {
                return "OSS could not connect to the callback URL (is the server running on that port?)";
            }
            if (message.startsWith("Cost too long time")) {
                return "no reply within " + OssStandIn.DEFAULT_CALLBACK_TIMEOUT.toSeconds()
                        + " s: OSS gives up (key fetches count: pin or prefetch the key)";
            }
            if (message.startsWith("Response body is not valid json")) {
                return "the reply is not JSON: OSS needs a JSON body, also for an empty answer ({})";
            }
            if (message.contains("content-length")) {
                return "the reply has no Content-Length, or one over 1 MB: OSS needs an exact Content-Length,"
                        + " at most 1 MB";
            }
            if (message.startsWith("Error status : ")) {
                return "the server answered " + attempt.status() + ", not 200: it refused the callback";
            }
            return message;
        }

        void print(PrintWriter out, List<Repeat> repeats) {
            if (attempt != null) {
                out.println("callback: POST " + attempt.url() + " (" + attempt.body().length + " body bytes)");
                out.println("  body: " + attempt.bodyAsString());
                out.println("server answered: " + (attempt.status() == -1 ? "nothing" : "status " + attempt.status()));
                if (attempt.reply().length > 0) {
                    out.println("  reply: " + attempt.replyAsString());
                }
            }
            if (succeeded()) {
                out.println("uploader sees: 200 with the reply (the callback succeeded)");
            } else if (uploadStatus == 203) {
                out.println("uploader sees: 203 " + ossCode() + ": " + ossMessage());
                out.println("  why: " + why());
            } else {
                out.println("uploader sees: " + uploadStatus + " " + ossCode() + ": " + ossMessage()
                        + " (OSS refused the upload's callback parameters; try: oss-callback lint)");
            }
            for (int i = 0; i < repeats.size(); i++) {
                out.println("repeat " + (i + 2) + ": status " + repeats.get(i).status + ", reply " + repeats.get(i).reply);
            }
        }

        String json(String keyUrlPrefix, List<Repeat> repeats) {
            ObjectNode root = JSON.createObjectNode();
            root.put("succeeded", succeeded());
            root.put("keyUrlPrefix", keyUrlPrefix);
            ObjectNode callback = root.putObject("callback");
            if (attempt != null) {
                callback.put("url", attempt.url());
                callback.put("body", attempt.bodyAsString());
                if (attempt.status() == -1) {
                    callback.putNull("status");
                } else {
                    callback.put("status", attempt.status());
                }
                callback.put("reply", attempt.replyAsString());
            }
            ObjectNode uploader = root.putObject("uploader");
            uploader.put("status", uploadStatus);
            if (!succeeded()) {
                uploader.put("code", ossCode());
                uploader.put("message", ossMessage());
                uploader.put("why", why());
            } else {
                uploader.put("reply", uploadBody);
            }
            var list = root.putArray("repeats");
            for (Repeat r : repeats) {
                ObjectNode one = list.addObject();
                one.put("status", r.status);
                one.put("reply", r.reply);
            }
            return root.toString();
        }
    }
}
