package io.github.osscallback.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Objects;

/**
 * A self-signed X.509 certificate with a fresh RSA key, made in memory for tests, standing in for
 * the certificates MNS and EventBridge sign deliveries with. The JDK has no public API to make
 * certificates, so this writes the DER of a version 1 certificate itself (RFC 5280, section 4.1:
 * serial number, sha256WithRSAEncryption, one common name as issuer and subject, validity, the
 * key). Serve {@link #pem()} with a {@link LoopbackKeyServer}.
 */
public final class SigningCertificate {

    private static final byte[] SHA256_WITH_RSA = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 1, 1, 11};
    private static final byte[] COMMON_NAME = {0x55, 0x04, 0x03};
    private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
    private static final String END_KEY = "-----END PRIVATE KEY-----";

    private final KeyPair keys;
    private final byte[] der;

    private SigningCertificate(KeyPair keys, byte[] der) {
        this.keys = keys;
        this.der = der;
    }

    /** A 2048-bit certificate valid from a day ago for a year. */
    public static SigningCertificate generate() {
        Instant now = Instant.now();
        return generate(2048, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365)));
    }

    /**
     * A certificate of this key size and validity; a validity long past mirrors the certificate
     * MNS has signed with for years after its end date, which verifiers must still accept.
     */
    public static SigningCertificate generate(int keyBits, Instant notBefore, Instant notAfter) {
        Objects.requireNonNull(notBefore, "notBefore");
        Objects.requireNonNull(notAfter, "notAfter");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(keyBits);
            KeyPair keys = generator.generateKeyPair();
            byte[] name = sequence(set(sequence(oid(COMMON_NAME),
                    tlv(0x0c, "oss-callback test signer".getBytes(StandardCharsets.UTF_8)))));
            byte[] algorithm = sequence(oid(SHA256_WITH_RSA), new byte[] {0x05, 0x00});
            byte[] tbs = sequence(
                    tlv(0x02, BigInteger.valueOf(System.nanoTime()).abs().add(BigInteger.ONE).toByteArray()),
                    algorithm, name, sequence(time(notBefore), time(notAfter)), name,
                    keys.getPublic().getEncoded());
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(keys.getPrivate());
            signer.update(tbs);
            byte[] signature = signer.sign();
            byte[] bitString = new byte[signature.length + 1]; // leading 0: no unused bits
            System.arraycopy(signature, 0, bitString, 1, signature.length);
            return new SigningCertificate(keys, sequence(tbs, algorithm, tlv(0x03, bitString)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make an RSA key or signature", e);
        }
    }

    /** The certificate as PEM, as MNS and EventBridge serve theirs. */
    public String pem() {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }

    /**
     * A certificate and its key written by {@link #pem()} and {@link #privateKeyPem()}: for a test
     * that runs apart from the code that made them, such as a Quarkus test reading them back from
     * the configuration its test resource wrote.
     */
    public static SigningCertificate fromPem(String certificatePem, String privateKeyPem) {
        Objects.requireNonNull(certificatePem, "certificatePem");
        Objects.requireNonNull(privateKeyPem, "privateKeyPem");
        try {
            Certificate certificate = CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(StandardCharsets.US_ASCII)));
            String body = privateKeyPem.replace(BEGIN_KEY, "").replace(END_KEY, "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(
                    new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
            return new SigningCertificate(new KeyPair(certificate.getPublicKey(), key), certificate.getEncoded());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a certificate PEM and a PKCS#8 RSA key PEM", e);
        }
    }

    /** The private key as PKCS#8 PEM, for {@link #fromPem}. */
    public String privateKeyPem() {
        return BEGIN_KEY + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(keys.getPrivate().getEncoded()) + "\n" + END_KEY + "\n";
    }

    /** The certificate's DER encoding. */
    public byte[] der() {
        return der.clone();
    }

    /** The private key that signs deliveries. */
    public PrivateKey privateKey() {
        return keys.getPrivate();
    }

    /** The certificate's public key. */
    public RSAPublicKey publicKey() {
        return (RSAPublicKey) keys.getPublic();
    }

    private static byte[] time(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
        boolean utcTime = t.getYear() >= 1950 && t.getYear() < 2050; // RFC 5280, 4.1.2.5
        String text = t.format(DateTimeFormatter.ofPattern(utcTime ? "yyMMddHHmmss'Z'" : "yyyyMMddHHmmss'Z'"));
        return tlv(utcTime ? 0x17 : 0x18, text.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] oid(byte[] encoded) {
        return tlv(0x06, encoded);
    }

    private static byte[] sequence(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int octets = length > 0xffff ? 3 : length > 0xff ? 2 : 1;
            out.write(0x80 | octets);
            for (int i = octets - 1; i >= 0; i--) {
                out.write(length >> (8 * i));
            }
        }
        out.write(value, 0, value.length);
        return out.toByteArray();
    }
}
