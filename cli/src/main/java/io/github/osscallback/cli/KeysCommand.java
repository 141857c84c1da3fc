package io.github.osscallback.cli;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code keys}: OSS's pinned key and its URL, a comparison with a key file the user downloaded
 * (never fetched here: the tool works offline), and test key pairs for {@code send --key} and
 * {@code sign}.
 */
@Command(name = "keys", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Prints the OSS public key this library pins and its URL.",
                "Download the published key yourself to compare (the tool never goes online):",
                "  curl -sO https://gosspublic.alicdn.com/callback_pub_key_v1.pem",
                "  oss-callback keys --compare callback_pub_key_v1.pem"})
final class KeysCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--compare", paramLabel = "FILE",
            description = "compare the pinned key with this PEM public key file; exit 1 when they differ")
    Path compare;

    @Option(names = "--generate", paramLabel = "DIR",
            description = "write a test RSA key pair to DIR: private.pem (PKCS#8) and public.pem (X.509)")
    Path generate;

    @Option(names = "--bits", paramLabel = "N", defaultValue = "512",
            description = "key size for --generate (default ${DEFAULT-VALUE}, the size OSS signs with)")
    int bits;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (generate != null) {
            return generate(out);
        }
        String pinnedPem = Pem.ossKeyPem();
        RSAPublicKey pinned = Pem.publicKey("pinned key", pinnedPem);
        if (compare != null) {
            RSAPublicKey theirs = Pem.publicKey("--compare " + compare, Pem.readFile("--compare", compare));
            boolean same = pinned.getModulus().equals(theirs.getModulus())
                    && pinned.getPublicExponent().equals(theirs.getPublicExponent());
            out.println((same ? "same key: " : "DIFFERENT key: ") + compare + " (" + describe(theirs)
                    + ") and the pinned key (" + describe(pinned) + ")");
            if (!same) {
                out.println("OSS may have published a new key: check the file came from " + CallbackVerifier.OSS_KEY_URL
                        + ", then report it; until a release pins it, trust it with pinKey(url, pem) or");
                out.println("turn the pinned key off (pinnedOssKey(false)) so the verifier fetches it.");
            }
            return same ? 0 : Main.FAILED;
        }
        out.println("url: " + CallbackVerifier.OSS_KEY_URL + " (OSS sends it as http://; pinned for both)");
        out.println("key: " + describe(pinned));
        out.print(Pem.pem(pinned));
        return 0;
    }

    private int generate(PrintWriter out) throws IOException {
        if (bits < 512 || bits > 8192) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--bits must be 512 to 8192, got " + bits);
        }
        Files.createDirectories(generate);
        OssCallbackSigner signer = OssCallbackSigner.generate(bits);
        Path privateFile = generate.resolve("private.pem");
        Path publicFile = generate.resolve("public.pem");
        if (Files.exists(privateFile) || Files.exists(publicFile)) {
            throw new Main.BadInput("--generate: " + generate + " already holds private.pem or public.pem;"
                    + " not overwriting a key");
        }
        try {
            Files.writeString(privateFile, signer.privateKeyPem(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
            Files.writeString(publicFile, signer.publicKeyPem(), StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException e) {
            throw new Main.BadInput("--generate: " + e.getFile() + " appeared while writing; not overwriting a key");
        }
        out.println("wrote " + privateFile + " and " + publicFile + " (" + describe((RSAPublicKey) signer.publicKey())
                + "); a test key: never trust it in production");
        return 0;
    }

    /** Size and a SHA-256 fingerprint of the encoded key, enough to tell keys apart at a glance. */
    static String describe(RSAPublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return "RSA " + key.getModulus().bitLength() + " bit, SHA-256 " + hex + "...";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
