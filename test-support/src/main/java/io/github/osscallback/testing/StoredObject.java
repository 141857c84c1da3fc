package io.github.osscallback.testing;

import java.time.Instant;
import java.util.Map;

/**
 * An object the {@link OssStandIn} stored, as a test reads it back: its bytes, content type,
 * ETag and CRC-64 as OSS reports them, when it was stored, its user metadata and the operation that stored it.
 */
public final class StoredObject {

    private final String bucket;
    private final String key;
    private final byte[] content;
    private final String contentType;
    private final String etag;
    private final String crc64;
    private final Map<String, String> metadata;
    private final String operation;
    private final Instant lastModified;

    StoredObject(String bucket, String key, byte[] content, String contentType, String etag, String crc64,
                 Map<String, String> metadata, String operation, Instant lastModified) {
        this.bucket = bucket;
        this.key = key;
        this.content = content.clone();
        this.contentType = contentType;
        this.etag = etag;
        this.crc64 = crc64;
        this.metadata = Map.copyOf(metadata);
        this.operation = operation;
        this.lastModified = lastModified;
    }

    /** The bucket. */
    public String bucket() {
        return bucket;
    }

    /** The object key. */
    public String key() {
        return key;
    }

    /** The stored bytes. */
    public byte[] content() {
        return content.clone();
    }

    /** The size in bytes, OSS's {@code ${size}}. */
    public long size() {
        return content.length;
    }

    /** The content type, OSS's {@code ${mimeType}}. */
    public String contentType() {
        return contentType;
    }

    /** The ETag without quotes, upper-case hex as OSS gives it ({@code -N} suffixed for a multipart upload). */
    public String etag() {
        return etag;
    }

    /** The CRC-64/ECMA-182 as an unsigned decimal, OSS's {@code ${crc64}}. */
    public String crc64() {
        return crc64;
    }

    /** The user metadata ({@code x-oss-meta-*} headers), by lower-case name without the prefix. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The operation that stored it: {@code PutObject}, {@code PostObject} or {@code CompleteMultipartUpload}. */
    public String operation() {
        return operation;
    }

    /** When it was stored, by the stand-in's clock; HeadObject and GetObject send it as Last-Modified. */
    public Instant lastModified() {
        return lastModified;
    }

    @Override
    public String toString() {
        return "StoredObject[" + bucket + "/" + key + ", " + content.length + " bytes, " + contentType + ", "
                + operation + "]";
    }
}
