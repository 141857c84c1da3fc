package io.github.osscallback.testing;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** The stand-in's objects, in memory by bucket and key, each stamped with the stand-in's clock when stored. */
final class ObjectStore {

    /** The prefix of user metadata headers. */
    static final String META_PREFIX = "x-oss-meta-";

    private final Map<String, StoredObject> objects = new ConcurrentHashMap<>();
    private final Clock clock;

    ObjectStore(Clock clock) {
        this.clock = clock;
    }

    /** Stores an object (replacing one under the same key), with its CRC-64 and the time now. */
    StoredObject store(String bucket, String key, byte[] content, String contentType, String etag,
                       Map<String, String> metadata, String operation) {
        StoredObject object = new StoredObject(bucket, key, content, contentType, etag, Crc64.decimal(content),
                metadata, operation, clock.instant());
        objects.put(bucket + "/" + key, object);
        return object;
    }

    /** The object under a bucket and key, or null. */
    StoredObject get(String bucket, String key) {
        return objects.get(bucket + "/" + key);
    }

    /** Every object, by bucket and key. */
    List<StoredObject> all() {
        return List.copyOf(new TreeMap<>(objects).values());
    }

    /** The headers OSS sends about an object it stored or serves: the quoted ETag and the CRC-64. */
    static Map<String, String> headers(StoredObject object) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ETag", Digests.quote(object.etag()));
        headers.put("x-oss-hash-crc64ecma", object.crc64());
        return headers;
    }
}
