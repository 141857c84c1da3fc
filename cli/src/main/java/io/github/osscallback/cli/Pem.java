package io.github.osscallback.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Public keys as OSS publishes them: PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo), RSA. */
final class Pem {

    /** Where core ships OSS's key, next to the class that pins it. */
    private static final String OSS_KEY_RESOURCE = "/io/github/osscallback/callback_pub_key_v1.pem";

    private Pem() {
    }

    /** The PEM text of OSS's key as pinned in core. */
    static String ossKeyPem() {
        try (InputStream in = Pem.class.getResourceAsStream(OSS_KEY_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("core's pinned OSS key " + OSS_KEY_RESOURCE + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read core's pinned OSS key", e);
        }
    }

    /** The text of a file, or {@link Main.BadInput} naming the option when it cannot be read. */
    static String readFile(String option, Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Main.BadInput(option + ": no such file: " + file);
        } catch (IOException e) {
            throw new Main.BadInput(option + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Parses a PEM public key; {@link Main.BadInput} naming {@code what} when it is not one. */
    static RSAPublicKey publicKey(String what, String pem) {
        if (pem.contains("BEGIN RSA PUBLIC KEY")) {
            throw new Main.BadInput(what + ": a PKCS#1 'RSA PUBLIC KEY'; OSS publishes X.509 'PUBLIC KEY' PEM"
                    + " (convert with: openssl rsa -RSAPublicKey_in -in FILE -pubout)");
        }
        if (pem.contains("PRIVATE KEY")) {
            throw new Main.BadInput(what + ": a private key; give the public key (BEGIN PUBLIC KEY)");
        }
        int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
        int end = pem.indexOf("-----END PUBLIC KEY-----");
        if (begin < 0 || end < begin) {
            throw new Main.BadInput(what + ": no '-----BEGIN PUBLIC KEY-----' PEM block");
        }
        String base64 = pem.substring(begin + "-----BEGIN PUBLIC KEY-----".length(), end).replaceAll("\\s", "");
        try {
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(
                    new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
            return (RSAPublicKey) key;
        } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
            throw new Main.BadInput(what + ": not an RSA public key: " + e.getMessage());
        }
    }

    /** The key as PEM, 64 characters a line, as openssl writes it. */
    static String pem(PublicKey key) {
        String base64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
    }
}
