package io.github.osscallback;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Parses RSA public keys from PEM: X.509 SubjectPublicKeyInfo or PKCS#1 RSAPublicKey. */
final class PemKeys {

    private static final String SPKI = "PUBLIC KEY";
    private static final String PKCS1 = "RSA PUBLIC KEY";

    private PemKeys() {
    }

    /** Parses one PEM public key; the message of the exception says what was wrong. */
    static RSAPublicKey parse(byte[] pem) throws InvalidKeyFormat {
        return parse(new String(pem, StandardCharsets.US_ASCII));
    }

    static RSAPublicKey parse(String pem) throws InvalidKeyFormat {
        String type;
        String text = pem.trim();
        if (text.startsWith(begin(SPKI))) {
            type = SPKI;
        } else if (text.startsWith(begin(PKCS1))) {
            type = PKCS1;
        } else {
            throw new InvalidKeyFormat("expected a PEM block '" + begin(SPKI) + "' or '" + begin(PKCS1) + "'");
        }
        int end = text.indexOf(end(type));
        if (end < 0) {
            throw new InvalidKeyFormat("PEM block has no '" + end(type) + "' line");
        }
        String base64 = text.substring(begin(type).length(), end).replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyFormat("PEM body is not base64: " + e.getMessage());
        }
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PublicKey key = type.equals(SPKI)
                    ? rsa.generatePublic(new X509EncodedKeySpec(der))
                    : rsa.generatePublic(pkcs1(der));
            return (RSAPublicKey) key;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new InvalidKeyFormat("PEM does not hold an RSA public key: " + e.getMessage());
        }
    }

    /** RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017, A.1.1). */
    private static RSAPublicKeySpec pkcs1(byte[] der) throws InvalidKeyFormat {
        DerReader outer = new DerReader(der);
        DerReader seq = outer.readSequence();
        BigInteger modulus = seq.readInteger();
        BigInteger exponent = seq.readInteger();
        if (!seq.atEnd() || !outer.atEnd()) {
            throw new InvalidKeyFormat("PKCS#1 key has trailing data");
        }
        if (modulus.signum() <= 0 || exponent.signum() <= 0) {
            throw new InvalidKeyFormat("PKCS#1 key has a non-positive modulus or exponent");
        }
        return new RSAPublicKeySpec(modulus, exponent);
    }

    /**
     * The RSA public key of an X.509 certificate, PEM or DER. Dates, issuer and chain are not
     * looked at: the MNS certificate has signed deliveries for years past its validity (see
     * docs/events.md); trust comes from the certificate URL policy and pinning.
     */
    static RSAPublicKey parseCertificate(byte[] certificate) throws InvalidKeyFormat {
        try {
            java.security.cert.Certificate cert = java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(certificate));
            if (!(cert.getPublicKey() instanceof RSAPublicKey)) {
                throw new InvalidKeyFormat("certificate does not hold an RSA public key");
            }
            return (RSAPublicKey) cert.getPublicKey();
        } catch (java.security.cert.CertificateException e) {
            throw new InvalidKeyFormat("not an X.509 certificate: " + e.getMessage());
        }
    }

    private static String begin(String type) {
        return "-----BEGIN " + type + "-----";
    }

    private static String end(String type) {
        return "-----END " + type + "-----";
    }

    /** Why a PEM key did not parse. */
    static final class InvalidKeyFormat extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidKeyFormat(String message) {
            super(message);
        }
    }

    /** Just enough DER to read a PKCS#1 public key. */
    private static final class DerReader {
        private final byte[] data;
        private int pos;
        private final int limit;

        DerReader(byte[] data) {
            this(data, 0, data.length);
        }

        private DerReader(byte[] data, int from, int limit) {
            this.data = data;
            this.pos = from;
            this.limit = limit;
        }

        boolean atEnd() {
            return pos == limit;
        }

        DerReader readSequence() throws InvalidKeyFormat {
            int length = readHeader(0x30);
            DerReader inner = new DerReader(data, pos, pos + length);
            pos += length;
            return inner;
        }

        BigInteger readInteger() throws InvalidKeyFormat {
            int length = readHeader(0x02);
            if (length == 0) {
                throw new InvalidKeyFormat("DER INTEGER is empty");
            }
            byte[] value = new byte[length];
            System.arraycopy(data, pos, value, 0, length);
            pos += length;
            return new BigInteger(value);
        }

        private int readHeader(int expectedTag) throws InvalidKeyFormat {
            if (limit - pos < 2) {
                throw new InvalidKeyFormat("DER is truncated");
            }
            int tag = data[pos++] & 0xff;
            if (tag != expectedTag) {
                throw new InvalidKeyFormat("DER tag 0x" + Integer.toHexString(tag) + " where 0x"
                        + Integer.toHexString(expectedTag) + " was expected");
            }
            int first = data[pos++] & 0xff;
            int length;
            if (first < 0x80) {
                length = first;
            } else {
                int octets = first & 0x7f;
                if (octets == 0 || octets > 3 || limit - pos < octets) {
                    throw new InvalidKeyFormat("DER length is malformed");
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (data[pos++] & 0xff);
                }
            }
            if (length > limit - pos) {
                throw new InvalidKeyFormat("DER length " + length + " runs past the end");
            }
            return length;
        }
    }
}
