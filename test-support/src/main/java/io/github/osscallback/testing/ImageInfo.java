package io.github.osscallback.testing;

import java.util.Map;

/**
 * OSS's {@code ${imageInfo.*}} values for the formats a test is likely to upload (PNG, GIF,
 * JPEG), read from the image header; empty for anything else, as OSS leaves them for non-images.
 */
final class ImageInfo {

    private ImageInfo() {
    }

    static Map<String, String> of(byte[] data) {
        if (data.length >= 24 && (data[0] & 0xff) == 0x89 && data[1] == 'P' && data[2] == 'N' && data[3] == 'G') {
            return values(int32(data, 16), int32(data, 20), "png");
        }
        if (data.length >= 10 && data[0] == 'G' && data[1] == 'I' && data[2] == 'F') {
            return values(uint16le(data, 6), uint16le(data, 8), "gif");
        }
        if (data.length >= 4 && (data[0] & 0xff) == 0xFF && (data[1] & 0xff) == 0xD8) {
            return jpeg(data);
        }
        return values(-1, -1, "");
    }

    private static Map<String, String> jpeg(byte[] data) {
        int i = 2;
        while (i + 9 < data.length) {
            if ((data[i] & 0xff) != 0xFF) {
                break;
            }
            int marker = data[i + 1] & 0xff;
            int length = uint16be(data, i + 2);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
                    && marker != 0xCC;
            if (startOfFrame) {
                return values(uint16be(data, i + 7), uint16be(data, i + 5), "jpg");
            }
            i += 2 + length;
        }
        return values(-1, -1, "");
    }

    private static Map<String, String> values(long width, long height, String format) {
        return Map.of("imageInfo.width", width < 0 ? "" : Long.toString(width),
                "imageInfo.height", height < 0 ? "" : Long.toString(height),
                "imageInfo.format", format);
    }

    private static long int32(byte[] d, int at) {
        return ((long) (d[at] & 0xff) << 24) | ((d[at + 1] & 0xff) << 16) | ((d[at + 2] & 0xff) << 8) | (d[at + 3] & 0xff);
    }

    private static int uint16le(byte[] d, int at) {
        return (d[at] & 0xff) | ((d[at + 1] & 0xff) << 8);
    }

    private static int uint16be(byte[] d, int at) {
        return ((d[at] & 0xff) << 8) | (d[at + 1] & 0xff);
    }
}
