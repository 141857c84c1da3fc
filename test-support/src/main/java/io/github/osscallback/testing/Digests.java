package io.github.osscallback.testing;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * The digests and ids the stand-in hands out as OSS does: MD5 ETags (upper-case hex, quoted in
 * headers and XML), base64 Content-MD5, and random hex ids for requests and multipart uploads.
 */
final class Digests {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Digests() {
    }

    static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }

    static byte[] md5(byte[] data) {
        return digest("MD5", data);
    }

    /** The ETag OSS gives a single-part object: the upper-case hex MD5 of its bytes. */
    static String etag(byte[] data) {
        return upperHex(md5(data));
    }

    static String base64Md5(byte[] data) {
        return Base64.getEncoder().encodeToString(md5(data));
    }

    /**
     * Refuses a body whose {@code Content-MD5} (when declared) is not base64 or not its MD5, as
     * OSS does with InvalidDigest.
     */
    static void checkContentMd5(String declared, byte[] body) throws OssRefusal {
        if (declared == null) {
            return;
        }
        byte[] digest;
        try {
            digest = Base64.getDecoder().decode(declared.trim());
        } catch (IllegalArgumentException e) {
            throw new OssRefusal(400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
        }
        if (!MessageDigest.isEqual(digest, md5(body))) {
            throw new OssRefusal(400, "InvalidDigest", "The Content-MD5 you specified did not match what was received.");
        }
    }

    /** An ETag as OSS sends it in headers and XML, in double quotes. */
    static String quote(String etag) {
        return "\"" + etag + "\"";
    }

    /** An ETag as a client sends it back, without its quotes (plain or as XML's {@code &quot;}). */
    static String unquote(String etag) {
        String trimmed = etag.trim();
        if (trimmed.startsWith("&quot;")) {
            trimmed = trimmed.replace("&quot;", "");
        }
        return trimmed.replace("\"", "");
    }

    /** A fresh random id of this many bytes, upper-case hex, as OSS's request and upload ids. */
    static String randomId(int bytes) {
        byte[] id = new byte[bytes];
        RANDOM.nextBytes(id);
        return upperHex(id);
    }

    /** Lower-case hex, as signatures use it. */
    static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return s.toString();
    }

    private static String upperHex(byte[] bytes) {
        return hex(bytes).toUpperCase(Locale.ROOT);
    }
}
