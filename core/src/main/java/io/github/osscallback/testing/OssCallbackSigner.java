package io.github.osscallback.testing;

import io.github.osscallback.CallbackRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Objects;

/**
 * Signs callback requests exactly as OSS does, with a key pair of its own, so applications can
 * test their callback endpoints without OSS. Serve {@link #publicKeyPem()} from a
 * {@link LoopbackKeyServer} (or pin it) and trust that URL in the verifier under test.
 * For tests only: never put its key into a production key policy.
 */
public final class OssCallbackSigner {

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private OssCallbackSigner(KeyPair pair) {
        this.privateKey = pair.getPrivate();
        this.publicKey = pair.getPublic();
    }

    /** A signer with a fresh 512-bit RSA key, the size OSS uses. */
    public static OssCallbackSigner generate() {
        return generate(512);
    }

    /** A signer with a fresh RSA key of the given size. */
    public static OssCallbackSigner generate(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return new OssCallbackSigner(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation failed", e);
        }
    }

    /** The public key as PEM ({@code BEGIN PUBLIC KEY}), as OSS publishes its own. */
    public String publicKeyPem() {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(publicKey.getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n";
    }

    /** The public key object. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /**
     * The bytes OSS signs: the percent-decoded path, {@code ?} and the raw query when there is
     * one, a newline, and the body.
     */
    public static byte[] stringToSign(String rawPath, String rawQuery, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(percentDecode(rawPath));
        if (rawQuery != null && !rawQuery.isEmpty()) {
            out.write('?');
            out.writeBytes(rawQuery.getBytes(StandardCharsets.UTF_8));
        }
        out.write('\n');
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** The base64 signature of arbitrary bytes, for tests of the alternative string-to-sign forms. */
    public String signBytes(byte[] data) {
        try {
            Signature signature = Signature.getInstance("MD5withRSA");
            signature.initSign(privateKey);
            signature.update(data);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    /** The {@code authorization} header value for a request. */
    public String sign(String rawPath, String rawQuery, byte[] body) {
        return signBytes(stringToSign(rawPath, rawQuery, body));
    }

    /** The {@code x-oss-pub-key-url} header value for a key URL. */
    public static String encodeKeyUrl(String keyUrl) {
        return Base64.getEncoder().encodeToString(keyUrl.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A signed POST request as OSS would send it; add headers to build forgeries. Each other part
     * is set once: for a request with another method, path, query or body, build one with
     * {@link #sign(String, String, byte[])} and {@link CallbackRequest#builder()}.
     *
     * @param rawQuery null for none
     * @param contentType null to send none
     */
    public CallbackRequest.Builder request(String keyUrl, String rawPath, String rawQuery,
                                           String contentType, byte[] body) {
        Objects.requireNonNull(keyUrl, "keyUrl");
        CallbackRequest.Builder builder = CallbackRequest.builder()
                .method("POST")
                .path(rawPath)
                .query(rawQuery)
                .header(CallbackRequest.AUTHORIZATION, sign(rawPath, rawQuery, body))
                .header(CallbackRequest.PUB_KEY_URL, encodeKeyUrl(keyUrl))
                .body(body);
        if (contentType != null) {
            builder.header(CallbackRequest.CONTENT_TYPE, contentType);
        }
        return builder;
    }

    private static byte[] percentDecode(String path) {
        byte[] raw = path.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '%' && i + 2 < raw.length
                    && Character.digit(raw[i + 1], 16) >= 0 && Character.digit(raw[i + 2], 16) >= 0) {
                out.write(Character.digit(raw[i + 1], 16) << 4 | Character.digit(raw[i + 2], 16));
                i += 2;
            } else {
                out.write(raw[i]);
            }
        }
        return out.toByteArray();
    }
}
