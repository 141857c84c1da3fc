package io.github.osscallback.benchmarks;

import java.nio.charset.StandardCharsets;

/** Callback bodies of the shapes OSS sends: form or JSON, of a given size. */
final class Bodies {

    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";

    private Bodies() {
    }

    static String contentType(String shape) {
        return shape.startsWith("json") ? JSON : FORM;
    }

    /** Shapes: {@code form-200}, {@code form-1k}, {@code form-64k}, {@code json-1k}, {@code json-64k}. */
    static byte[] of(String shape) {
        int target = shape.endsWith("64k") ? 64 * 1024 - 512 : shape.endsWith("1k") ? 1024 : 200;
        boolean json = shape.startsWith("json");
        StringBuilder b = new StringBuilder(json
                ? "{\"bucket\":\"bench-bucket\",\"object\":\"uploads/2026/11/24/photo-0001.jpg\",\"size\":\"123456\","
                        + "\"mimeType\":\"image/jpeg\",\"etag\":\"D41D8CD98F00B204E9800998ECF8427E\""
                : "bucket=bench-bucket&object=uploads%2F2026%2F11%2F24%2Fphoto-0001.jpg&size=123456"
                        + "&mimeType=image%2Fjpeg&etag=%22D41D8CD98F00B204E9800998ECF8427E%22");
        for (int i = 0; b.length() < target - (json ? 30 : 20); i++) {
            b.append(json ? ",\"x:f" + i + "\":\"value-" + i + "\"" : "&x%3Af" + i + "=value-" + i);
        }
        if (json) {
            b.append('}');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A body of about 64 KiB whose fields have 24-character names: {@code distinct} ones numbered
     * in sequence, or {@code colliding} ones made of {@code Aa}/{@code BB} pairs, which all share
     * one {@code String.hashCode}. Kinds: {@code form}; {@code json}, plain values, read without a
     * parser; {@code json-jackson}, an escape in every value, read by Jackson's streaming parser;
     * {@code json-null}, null values, which leave no field; {@code json-refused}, the plain body
     * with its first name repeated at the end, which every JSON path reads before refusing it.
     */
    static byte[] namedFields(String kind, boolean colliding) {
        boolean json = kind.startsWith("json");
        StringBuilder b = new StringBuilder(json ? "{\"bucket\":\"bench-bucket\"" : "bucket=bench-bucket");
        String first = null;
        for (int i = 0; b.length() < 64 * 1024 - 512; i++) {
            String name = colliding ? collidingName(i) : String.format("n%023d", i);
            first = first == null ? name : first;
            String value = "value-" + i;
            if (!json) {
                b.append('&').append(name).append('=').append(value);
            } else {
                b.append(",\"").append(name).append("\":");
                switch (kind) {
                    case "json-jackson":
                        b.append("\"\\u0076").append(value, 1, value.length()).append('"');
                        break;
                    case "json-null":
                        b.append("null");
                        break;
                    default:
                        b.append('"').append(value).append('"');
                }
            }
        }
        if (kind.equals("json-refused")) {
            b.append(",\"").append(first).append("\":\"again\"");
        }
        if (json) {
            b.append('}');
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The i-th of the 4,096 names of twelve {@code Aa}/{@code BB} pairs. */
    private static String collidingName(int i) {
        if (i >= 4096) {
            throw new IllegalArgumentException("only 4,096 names of twelve pairs");
        }
        StringBuilder name = new StringBuilder(24);
        for (int pair = 0; pair < 12; pair++) {
            name.append((i >> pair & 1) == 0 ? "Aa" : "BB");
        }
        return name.toString();
    }
}
