package io.github.osscallback.testing;

import java.util.Map;
import java.util.TreeMap;

/** What the stand-in knows of one request to a bucket, once routed. */
final class StandInCall {

    final String method;
    /** The request headers by lower-case name. */
    final Map<String, String> headers;
    final Map<String, String> query;
    final String bucket;
    /** The object key, or null for a request to the bucket itself. */
    final String key;
    final byte[] body;
    final String requestId;
    final String clientIp;
    final String host;
    /** The object's URL as OSS gives it in a Location: virtual-hosted when the request was. */
    final String location;

    StandInCall(String method, Map<String, String> headers, Map<String, String> query, String bucket, String key,
                boolean virtualHosted, byte[] body, String requestId, String clientIp) {
        this.method = method;
        this.headers = headers;
        this.query = query;
        this.bucket = bucket;
        this.key = key;
        this.body = body;
        this.requestId = requestId;
        this.clientIp = clientIp;
        this.host = headers.getOrDefault("host", "127.0.0.1");
        this.location = "http://" + host + "/" + (virtualHosted ? "" : bucket + "/") + (key == null ? "" : key);
    }

    /** The Location of another object of the bucket, for a request to the bucket itself (PostObject). */
    String location(String objectKey) {
        return location + objectKey;
    }

    /** The content type an object stored by this request gets: the request's, else OSS's default. */
    String objectContentType() {
        return headers.getOrDefault("content-type", "application/octet-stream");
    }

    /** The user metadata of the request ({@code x-oss-meta-*} headers), by name without the prefix. */
    Map<String, String> metadata() {
        Map<String, String> metadata = new TreeMap<>();
        headers.forEach((name, value) -> {
            if (name.startsWith(ObjectStore.META_PREFIX)) {
                metadata.put(name.substring(ObjectStore.META_PREFIX.length()), value);
            }
        });
        return metadata;
    }
}
