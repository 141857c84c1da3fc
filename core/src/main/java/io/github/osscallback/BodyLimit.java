package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.BODY_TOO_LARGE;
import static io.github.osscallback.CallbackRejectedException.Reason.BODY_UNREADABLE;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads and checks callback bodies within the verifier's limit, refusing more before buffering it. */
final class BodyLimit {

    private final int maxBytes;

    BodyLimit(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    int maxBytes() {
        return maxBytes;
    }

    /** See {@link CallbackVerifier#readBody(InputStream, long)}. */
    byte[] read(InputStream in, long declaredLength) throws CallbackRejectedException {
        if (declaredLength > maxBytes) {
            throw tooLarge("declares " + declaredLength + " bytes");
        }
        try {
            if (declaredLength >= 0) {
                // The usual case: read exactly the declared bytes into their final array, no copying.
                byte[] body = in.readNBytes((int) declaredLength);
                if (body.length < declaredLength) {
                    throw shortBody(body.length, declaredLength);
                }
                if (in.read() != -1) {
                    throw tooLarge("has more bytes than its Content-Length of " + declaredLength);
                }
                return body;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(8192, maxBytes));
            byte[] chunk = new byte[Math.min(8192, maxBytes + 1)];
            int total = 0;
            int n;
            while ((n = in.read(chunk, 0, Math.min(chunk.length, maxBytes + 1 - total))) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge("has more than " + maxBytes + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException | UncheckedIOException e) {
            throw new CallbackRejectedException(BODY_UNREADABLE, "body could not be read: " + e.getClass().getSimpleName(), e);
        }
    }

    /** A body handed over already read, checked against the same limit. */
    byte[] check(byte[] body) throws CallbackRejectedException {
        if (body.length > maxBytes) {
            throw tooLarge("has " + body.length + " bytes");
        }
        return body;
    }

    /**
     * A body cut short would be verified as if complete, and fail as a misleading signature
     * mismatch. No bytes at all usually means an earlier filter read the body (for instance by
     * asking for form parameters), which only running the OSS filter first can fix.
     */
    private static CallbackRejectedException shortBody(int received, long declared) {
        String hint = received == 0
                ? "; no body bytes were left to read: another filter or framework probably consumed the body,"
                        + " so the OSS callback filter must run before anything that reads parameters or the body"
                : "";
        return new CallbackRejectedException(BODY_UNREADABLE, "body ended after " + received + " of the "
                + declared + " bytes its Content-Length declares" + hint);
    }

    private CallbackRejectedException tooLarge(String what) {
        return new CallbackRejectedException(BODY_TOO_LARGE, "body " + what + "; the limit is " + maxBytes + " bytes");
    }
}
