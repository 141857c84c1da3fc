package io.github.osscallback.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.text.Normalizer;
import java.util.Base64;

/**
 * What the verifier and the upload side both need to know of an upload token's shape without
 * its key: the version, the unverified payload (to check that parameters and policies fit the
 * token they carry before OSS is asked to take them), and the rule for plain object paths.
 */
public final class TokenFormat {

    /** The version of tokens issued and accepted. */
    public static final String VERSION = "v2";

    private TokenFormat() {
    }

    /**
     * The payload of a string shaped like a token of this version, unverified; null if it is not
     * one. Only for checks on the issuing side: the verifier reads a payload only once its MAC
     * matched.
     */
    public static JsonNode unverifiedPayload(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            return null;
        }
        try {
            JsonNode payload = JsonCodec.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[2]));
            return payload != null && payload.isObject() ? payload : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * True if the path's segments are all non-empty, none is {@code .} or {@code ..}, and it has
     * no backslash and no control character (C0, DEL or C1): a decoder that drops an escape
     * sequence such as ISO-2022-JP's {@code ESC ( B} would otherwise turn {@code ESC(B..} into
     * {@code ..} for whoever reads the key another way. The same holds for the path's NFKC form,
     * with the same segments: look-alikes such as fullwidth {@code ．．／} or U+2025 (two dot
     * leader) become {@code ../} for whoever normalises the key.
     */
    public static boolean isPlainPath(String path) {
        if (!hasPlainSegments(path)) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) >= 0x80) {
                // ASCII is its own NFKC form; only other text can turn into dots, slashes or backslashes.
                String normalized = Normalizer.normalize(path, Normalizer.Form.NFKC);
                return hasPlainSegments(normalized) && slashes(normalized) == slashes(path);
            }
        }
        return true;
    }

    private static boolean hasPlainSegments(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return false;
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static int slashes(String path) {
        int n = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

}
