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
}
