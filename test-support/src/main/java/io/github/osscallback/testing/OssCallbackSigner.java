package io.github.osscallback.testing;

import io.github.osscallback.CallbackRequest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Signs callback requests exactly as OSS does, so applications can test their callback endpoints
 * without OSS: with a fresh key pair ({@link #generate()}), a given one ({@link #of(KeyPair)}) or
 * a private key in PEM ({@link #fromPem(String)}). Serve {@link #publicKeyPem()} from a
 * {@link LoopbackKeyServer} (or pin it) and trust that URL in the verifier under test.
 * What is signed is written here as OSS documents it, apart from the verifier's own reading, so a
 * test signing with it checks the verifier against the protocol rather than against itself. For
 * tests only: never put its key into a production key policy.
 */
public final class OssCallbackSigner {

    private static final String ALGORITHM = "MD5withRSA";
    private static final String PKCS8 = "PRIVATE KEY";
    private static final String PKCS1 = "RSA PRIVATE KEY";
    /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }, DER. */
    private static final byte[] RSA_ALGORITHM_ID = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00
    };

    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private OssCallbackSigner(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
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
            return of(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation failed", e);
        }
    }

    /** A signer with an existing RSA key pair. */
    public static OssCallbackSigner of(KeyPair pair) {
        Objects.requireNonNull(pair, "pair");
        if (!"RSA".equals(pair.getPrivate().getAlgorithm()) || !"RSA".equals(pair.getPublic().getAlgorithm())) {
            throw new IllegalArgumentException("OSS signs with RSA; the key pair is "
                    + pair.getPrivate().getAlgorithm() + "/" + pair.getPublic().getAlgorithm());
        }
        return new OssCallbackSigner(pair.getPrivate(), pair.getPublic());
    }

    /**
     * A signer with an existing RSA private key in PEM: PKCS#8 ({@code BEGIN PRIVATE KEY}, as
     * {@code openssl genpkey} writes) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, as
     * {@code openssl genrsa} of OpenSSL 1.x writes). The public key is derived from it.
     *
     * @throws IllegalArgumentException if the text is no unencrypted RSA private key in PEM
     */
    public static OssCallbackSigner fromPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        String text = pem.trim();
        String type;
        if (text.startsWith(begin(PKCS8))) {
            type = PKCS8;
        } else if (text.startsWith(begin(PKCS1))) {
            type = PKCS1;
        } else {
            throw new IllegalArgumentException("expected a PEM block '" + begin(PKCS8) + "' or '" + begin(PKCS1)
                    + "' (an encrypted key must be decrypted first)");
        }
        int end = text.indexOf(end(type));
        if (end < 0) {
            throw new IllegalArgumentException("PEM block has no '" + end(type) + "' line");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin(type).length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM body is not base64: " + e.getMessage(), e);
        }
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PrivateKey key = rsa.generatePrivate(new PKCS8EncodedKeySpec(type.equals(PKCS8) ? der : pkcs8(der)));
            if (!(key instanceof RSAPrivateCrtKey)) {
                throw new IllegalArgumentException("the PEM private key lacks the public exponent");
            }
            RSAPrivateCrtKey crt = (RSAPrivateCrtKey) key;
            PublicKey publicKey = rsa.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            return new OssCallbackSigner(key, publicKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("PEM does not hold an RSA private key: " + e.getMessage(), e);
        }
    }

    /** The public key as PEM ({@code BEGIN PUBLIC KEY}), as OSS publishes its own. */
    public String publicKeyPem() {
        return pem("PUBLIC KEY", publicKey.getEncoded());
    }

    /** The private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), e.g. for {@code examples sign --key}. */
    public String privateKeyPem() {
        return pem(PKCS8, privateKey.getEncoded());
    }

    /** The public key object. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /**
     * The bytes OSS signs: the percent-decoded path ({@code +} kept, an escape that is not two hex
     * digits left as it is), {@code ?} and the raw query when there is one, a newline, and the body.
     */
    public static byte[] stringToSign(String rawPath, String rawQuery, byte[] body) {
        Objects.requireNonNull(rawPath, "rawPath");
        Objects.requireNonNull(body, "body");
        ByteArrayOutputStream out = new ByteArrayOutputStream(rawPath.length() + body.length + 64);
        byte[] path = rawPath.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < path.length; i++) {
            int hi = i + 2 < path.length && path[i] == '%' ? Character.digit(path[i + 1], 16) : -1;
            int lo = hi >= 0 ? Character.digit(path[i + 2], 16) : -1;
            if (lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(path[i]);
            }
        }
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
            Signature signature = Signature.getInstance(ALGORITHM);
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
     * The headers of a signed callback as OSS sends them, in this order: {@code authorization},
     * {@code x-oss-pub-key-url} and, unless {@code contentType} is null, {@code content-type}.
     * Send them with a POST of {@code body} to {@code rawPath} and {@code rawQuery}.
     *
     * @param rawPath the path as it will be sent, still percent-encoded
     * @param rawQuery null for none
     * @param contentType null to send none
     */
    public Map<String, String> headers(String keyUrl, String rawPath, String rawQuery,
                                       String contentType, byte[] body) {
        Objects.requireNonNull(keyUrl, "keyUrl");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CallbackRequest.AUTHORIZATION, sign(rawPath, rawQuery, body));
        headers.put(CallbackRequest.PUB_KEY_URL, encodeKeyUrl(keyUrl));
        if (contentType != null) {
            headers.put(CallbackRequest.CONTENT_TYPE, contentType);
        }
        return Collections.unmodifiableMap(headers);
    }

    /**
     * A signed POST request as OSS would send it; add headers to build forgeries. For a request
     * with another method, path, query or body, start from {@link CallbackRequest#builder()} and
     * add {@link #headers}.
     *
     * @param rawQuery null for none
     * @param contentType null to send none
     */
    public CallbackRequest.Builder request(String keyUrl, String rawPath, String rawQuery,
                                           String contentType, byte[] body) {
        CallbackRequest.Builder builder = CallbackRequest.builder()
                .method("POST")
                .path(rawPath)
                .query(rawQuery)
                .body(body);
        headers(keyUrl, rawPath, rawQuery, contentType, body).forEach(builder::header);
        return builder;
    }

    /** Wraps a PKCS#1 RSAPrivateKey as PKCS#8: SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING }. */
    private static byte[] pkcs8(byte[] pkcs1) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(new byte[] {0x02, 0x01, 0x00});
        content.writeBytes(RSA_ALGORITHM_ID);
        content.writeBytes(derHeader(0x04, pkcs1.length));
        content.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(derHeader(0x30, content.size()));
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    private static byte[] derHeader(int tag, int length) {
        if (length < 0x80) {
            return new byte[] {(byte) tag, (byte) length};
        }
        int bytes = length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4;
        byte[] header = new byte[2 + bytes];
        header[0] = (byte) tag;
        header[1] = (byte) (0x80 | bytes);
        for (int i = 0; i < bytes; i++) {
            header[2 + i] = (byte) (length >>> (8 * (bytes - 1 - i)));
        }
        return header;
    }

    private static String pem(String type, byte[] der) {
        String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return begin(type) + "\n" + base64 + "\n" + end(type) + "\n";
    }

    private static String begin(String type) {
        return "-----BEGIN " + type + "-----";
    }

    private static String end(String type) {
        return "-----END " + type + "-----";
    }
}
