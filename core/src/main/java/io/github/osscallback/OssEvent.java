package io.github.osscallback;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One OSS event (an object created, removed, ...) as MNS or EventBridge delivered it: read from
 * the event record OSS writes ({@code eventName}, {@code eventTime}, {@code region},
 * {@code oss.bucket.name}, {@code oss.object.key}/{@code size}/{@code eTag},
 * {@code responseElements.requestId}), with the record itself kept as {@link #rawJson()}. Fields
 * the record lacks are empty. Only a verified {@link EventDelivery} hands these out. Immutable.
 */
public final class OssEvent {

    private final String eventName;
    private final String eventTime;
    private final String region;
    private final String bucket;
    private final String objectKey;
    private final Long size;
    private final String eTag;
    private final String requestId;
    private final String rawJson;

    private OssEvent(JsonNode record, String fallbackName) {
        String name = text(record, "eventName");
        this.eventName = name != null ? name : fallbackName;
        this.eventTime = text(record, "eventTime");
        this.region = text(record, "region");
        this.bucket = text(record.path("oss").path("bucket"), "name");
        JsonNode object = record.path("oss").path("object");
        this.objectKey = text(object, "key");
        JsonNode size = object.path("size");
        this.size = size.canConvertToExactIntegral() && size.canConvertToLong() ? size.asLong() : null;
        this.eTag = text(object, "eTag");
        this.requestId = text(record.path("responseElements"), "requestId");
        this.rawJson = record.toString();
    }

    /**
     * The event read from one OSS event record, or null when the node is not one (no {@code oss}
     * object): a topic or bus carries other messages too.
     *
     * @param fallbackName the event name when the record has none (EventBridge's {@code type})
     */
    static OssEvent fromRecord(JsonNode record, String fallbackName) {
        if (record == null || !record.isObject() || !record.path("oss").isObject()) {
            return null;
        }
        return new OssEvent(record, fallbackName);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    /** The event name, e.g. {@code ObjectCreated:PutObject}. */
    public Optional<String> eventName() {
        return Optional.ofNullable(eventName);
    }

    /** The event time, as OSS wrote it (ISO-8601). */
    public Optional<String> eventTimeText() {
        return Optional.ofNullable(eventTime);
    }

    /** The event time, if it parses as an ISO-8601 instant. */
    public Optional<Instant> eventTime() {
        if (eventTime == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(eventTime));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The region, e.g. {@code cn-hangzhou}. */
    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    /** The bucket name. */
    public Optional<String> bucket() {
        return Optional.ofNullable(bucket);
    }

    /** The object key, as the record writes it. */
    public Optional<String> objectKey() {
        return Optional.ofNullable(objectKey);
    }

    /** The object size in bytes. */
    public OptionalLong size() {
        return size == null ? OptionalLong.empty() : OptionalLong.of(size);
    }

    /** The object's ETag, as the record writes it. */
    public Optional<String> eTag() {
        return Optional.ofNullable(eTag);
    }

    /** The id of the OSS request that caused the event. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    /** The event record as JSON, for fields this type does not read. */
    public String rawJson() {
        return rawJson;
    }

    /**
     * A key naming this upload (bucket, object and ETag), the same one {@link #uploadKey(String, String, String)}
     * makes from an upload callback, so one {@link ReplayStore} can tell that a callback and an
     * event report the same upload; empty when the record lacks one of the three.
     */
    public Optional<String> uploadKey() {
        if (bucket == null || objectKey == null || eTag == null) {
            return Optional.empty();
        }
        return Optional.of(uploadKey(bucket, objectKey, eTag));
    }

    /**
     * The upload key for a bucket, object key and ETag (from an {@link OssCallback}'s {@code bucket},
     * {@code object} and {@code etag} fields, say). The ETag is compared without quotes and case,
     * since OSS writes it quoted in some places and not in others.
     */
    public static String uploadKey(String bucket, String objectKey, String eTag) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(objectKey, "objectKey");
        String tag = eTag.replace("\"", "").toUpperCase(java.util.Locale.ROOT);
        // Lengths first: no bucket or key text can make two different uploads share a key.
        return "upload:" + bucket.length() + ":" + bucket + ":" + objectKey.length() + ":" + objectKey + ":" + tag;
    }

    @Override
    public String toString() {
        return "OssEvent[" + eventName + ", bucket " + bucket + ", " + (size == null ? "?" : size) + " bytes]";
    }
}
