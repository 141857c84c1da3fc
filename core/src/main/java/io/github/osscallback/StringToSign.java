package io.github.osscallback;

import io.github.osscallback.internal.PercentDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Arrays;

/**
 * The bytes OSS signs: {@code urldecode(path) + ("?" + rawQuery) + "\n" + body} (docs/protocol.md in the repository).
 * The sources disagree on two details, and each documented variant is accepted:
 * a {@code +} in the path is kept (Python's {@code unquote}) or read as a space (Java's
 * {@code URLDecoder}); and without a query, {@code ?} is omitted (Python, Java) or appended
 * anyway (Ruby). So at most four candidates are tried, usually one or two.
 */
final class StringToSign {

    static final String ALGORITHM = "MD5withRSA";

    private final byte[] path;
    private final byte[] plusAsSpacePath;
    private final byte[] query;
    private final byte[] body;

    private StringToSign(byte[] path, byte[] plusAsSpacePath, byte[] query, byte[] body) {
        this.path = path;
        this.plusAsSpacePath = plusAsSpacePath;
        this.query = query;
        this.body = body;
    }

    static StringToSign of(String rawPath, String rawQuery, byte[] body) {
        byte[] path = PercentDecoder.decode(rawPath, false);
        byte[] plusAsSpace = rawPath.indexOf('+') >= 0 ? PercentDecoder.decode(rawPath, true) : null;
        byte[] query = rawQuery == null || rawQuery.isEmpty() ? null : rawQuery.getBytes(StandardCharsets.UTF_8);
        return new StringToSign(path, plusAsSpace, query, body);
    }

    /**
     * Refuses a path whose decoded form holds {@code ?}, {@code #}, CR, LF or another control
     * character, C1 ones (U+0080 to U+009F, such as U+0085 NEL) included. The signature covers the
     * decoded path, so without this a callback signed for {@code /cb?admin=1} would also verify when
     * sent as {@code /cb%3Fadmin=1}, where its query vanishes for the application, and a body line
     * could move into the path as {@code %0A} (or as {@code %C2%85}, a line break to readers that
     * take NEL as one).
     */
    void refuseReframingPath() throws CallbackRejectedException {
        for (int i = 0; i < path.length; i++) {
            int b = path[i] & 0xff;
            if (b == '?' || b == '#' || b < 0x20 || b == 0x7f) {
                throw new CallbackRejectedException(CallbackRejectedException.Reason.MALFORMED_PATH,
                        "the decoded path has " + (b == '?' || b == '#' ? "'" + (char) b + "'" : String.format("byte 0x%02x", b))
                                + " at byte " + i + "; it would change how the signed string is framed");
            }
            // U+0080..U+009F in UTF-8: 0xC2 then 0x80..0x9F.
            if (b == 0xc2 && i + 1 < path.length && (path[i + 1] & 0xff) >= 0x80 && (path[i + 1] & 0xff) <= 0x9f) {
                throw new CallbackRejectedException(CallbackRejectedException.Reason.MALFORMED_PATH,
                        "the decoded path has the C1 control character " + String.format("U+%04X", path[i + 1] & 0xff)
                                + " at byte " + i + "; it would change how the signed string is framed");
            }
        }
    }

    /** Whether the decoded path, as signed, is exactly this path: the one an upload token binds. */
    boolean pathIs(String decodedPath) {
        return Arrays.equals(path, decodedPath.getBytes(StandardCharsets.UTF_8));
    }

    /** The primary candidate as one array, for signers and tests. */
    byte[] primaryBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(path);
        if (query != null) {
            out.write('?');
            out.writeBytes(query);
        }
        out.write('\n');
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** Whether any accepted candidate verifies under the key. */
    boolean verifies(PublicKey key, byte[] signature) throws InvalidKeyException {
        Signature verifier = SIGNATURES.get();
        if (verify(verifier, key, signature, path, false)) {
            return true;
        }
        if (query == null && verify(verifier, key, signature, path, true)) {
            return true;
        }
        if (plusAsSpacePath != null) {
            return verify(verifier, key, signature, plusAsSpacePath, false)
                    || (query == null && verify(verifier, key, signature, plusAsSpacePath, true));
        }
        return false;
    }

    private boolean verify(Signature verifier, PublicKey key, byte[] signature, byte[] pathBytes,
                           boolean bareQuestionMark) throws InvalidKeyException {
        try {
            verifier.initVerify(key);
            verifier.update(pathBytes);
            if (query != null) {
                verifier.update((byte) '?');
                verifier.update(query);
            } else if (bareQuestionMark) {
                verifier.update((byte) '?');
            }
            verifier.update((byte) '\n');
            verifier.update(body);
            return verifier.verify(signature);
        } catch (SignatureException e) {
            // A signature of the wrong length or encoding is simply not a match.
            return false;
        }
    }

    /**
     * One Signature per thread: looking the algorithm up through the providers costs more than a
     * 512-bit verification. initVerify resets whatever an earlier use left behind.
     */
    private static final ThreadLocal<Signature> SIGNATURES = ThreadLocal.withInitial(StringToSign::newSignature);

    static Signature newSignature() {
        try {
            return Signature.getInstance(ALGORITHM);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides " + ALGORITHM + " on every platform", e);
        }
    }
}
