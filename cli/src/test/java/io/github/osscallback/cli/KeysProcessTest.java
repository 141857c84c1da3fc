package io.github.osscallback.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysProcessTest {

    @TempDir
    Path dir;

    @Test
    void printsThePinnedKeyWhichIsTheKeyOssPublishes() throws Exception {
        Cli.Result result = Cli.run("keys");
        assertEquals(0, result.exit, result.toString());
        assertTrue(result.out.contains("url: https://gosspublic.alicdn.com/callback_pub_key_v1.pem"), result.out);
        String printed = result.out.substring(result.out.indexOf("-----BEGIN PUBLIC KEY-----"));
        RSAPublicKey published = Pem.publicKey("vector",
                Files.readString(Cli.vectors().resolve("callback_pub_key_v1.pem"), StandardCharsets.US_ASCII));
        assertEquals(published, Pem.publicKey("printed", printed));
    }

    @Test
    void compareWithThePublishedKeyFileSaysSameAndExitsZero() throws Exception {
        Cli.Result result = Cli.run("keys", "--compare", Cli.vectors().resolve("callback_pub_key_v1.pem").toString());
        assertEquals(0, result.exit, result.toString());
        assertTrue(result.out.startsWith("same key: "), result.out);
    }

    @Test
    void compareWithAnotherKeySaysDifferentAndExitsOne() throws Exception {
        Path other = dir.resolve("other.pem");
        Files.writeString(other, OssCallbackSigner.generate().publicKeyPem());
        Cli.Result result = Cli.run("keys", "--compare", other.toString());
        assertEquals(1, result.exit, result.toString());
        assertTrue(result.out.startsWith("DIFFERENT key: "), result.out);
    }

    @Test
    void compareWithAFileThatIsNoPublicKeyExitsTwo() throws Exception {
        Path notKey = dir.resolve("not.pem");
        Files.writeString(notKey, "<html>not found</html>");
        Cli.Result result = Cli.run("keys", "--compare", notKey.toString());
        assertEquals(2, result.exit, result.toString());
        assertTrue(result.err.contains("no '-----BEGIN PUBLIC KEY-----' PEM block"), result.err);
        assertEquals(2, Cli.run("keys", "--compare", dir.resolve("missing.pem").toString()).exit);
    }

    @Test
    void generateWritesAKeyPairThatSignsAndVerifies() throws Exception {
        Cli.Result result = Cli.run("keys", "--generate", dir.toString());
        assertEquals(0, result.exit, result.toString());
        OssCallbackSigner signer = OssCallbackSigner.fromPem(Files.readString(dir.resolve("private.pem")));
        assertEquals(signer.publicKey(), Pem.publicKey("public.pem", Files.readString(dir.resolve("public.pem"))));
        assertEquals(512, ((RSAPublicKey) signer.publicKey()).getModulus().bitLength());
    }

    @Test
    void generateNeverOverwritesAKey() throws Exception {
        assertEquals(0, Cli.run("keys", "--generate", dir.toString()).exit);
        String before = Files.readString(dir.resolve("private.pem"));
        Cli.Result again = Cli.run("keys", "--generate", dir.toString());
        assertEquals(2, again.exit, again.toString());
        assertEquals(before, Files.readString(dir.resolve("private.pem")));
    }
}
