package io.github.osscallback.testing;

import static io.github.osscallback.testing.StandInAnswer.element;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Multipart uploads: InitiateMultipartUpload, UploadPart and CompleteMultipartUpload (with the
 * part list, or {@code x-oss-complete-all}), which stores the object and relays its callback.
 */
final class MultipartUploads {

    /** OSS refuses parts under 100 KiB, except the last (EntityTooSmall). */
    static final int MIN_PART_SIZE = 100 * 1024;

    private final ObjectStore store;
    private final CallbackRelay callbacks;
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();

    MultipartUploads(ObjectStore store, CallbackRelay callbacks) {
        this.store = store;
        this.callbacks = callbacks;
    }

    /** A multipart upload in progress. */
    private static final class Upload {
        final String bucket;
        final String key;
        final String contentType;
        final Map<String, String> metadata;
        final Map<Integer, byte[]> parts = new ConcurrentSkipListMap<>();

        Upload(String bucket, String key, String contentType, Map<String, String> metadata) {
            this.bucket = bucket;
            this.key = key;
            this.contentType = contentType;
            this.metadata = metadata;
        }
    }

    StandInAnswer initiate(StandInCall call) {
        String uploadId = Digests.randomId(16);
        uploads.put(uploadId, new Upload(call.bucket, call.key, call.objectContentType(), call.metadata()));
        String xml = "<InitiateMultipartUploadResult>"
                + element("Bucket", call.bucket) + element("Key", call.key) + element("UploadId", uploadId)
                + "</InitiateMultipartUploadResult>";
        return StandInAnswer.xml(200, xml);
    }

    StandInAnswer uploadPart(StandInCall call) throws OssRefusal {
        Upload upload = upload(call);
        int partNumber;
        try {
            partNumber = Integer.parseInt(call.query.getOrDefault("partNumber", ""));
        } catch (NumberFormatException e) {
            partNumber = 0;
        }
        if (partNumber < 1 || partNumber > 10000) {
            throw new OssRefusal(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.");
        }
        Digests.checkContentMd5(call.headers.get("content-md5"), call.body);
        upload.parts.put(partNumber, call.body.clone());
        StandInAnswer answer = StandInAnswer.empty(200);
        answer.headers.put("ETag", Digests.quote(Digests.etag(call.body)));
        answer.headers.put("Content-MD5", Digests.base64Md5(call.body));
        answer.headers.put("x-oss-hash-crc64ecma", Crc64.decimal(call.body));
        return answer;
    }

    /**
     * Joins the parts into the object, whose ETag is, as OSS's, the MD5 of the parts' MD5s with
     * {@code -N} for N parts.
     */
    StandInAnswer complete(StandInCall call) throws OssRefusal {
        Upload upload = upload(call);
        CallbackSpec callback = callbacks.requested(call);
        List<Integer> order = order(call, upload);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        ByteArrayOutputStream partDigests = new ByteArrayOutputStream();
        for (int i = 0; i < order.size(); i++) {
            byte[] data = upload.parts.get(order.get(i));
            if (i < order.size() - 1 && data.length < MIN_PART_SIZE) {
                throw new OssRefusal(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.");
            }
            content.writeBytes(data);
            partDigests.writeBytes(Digests.md5(data));
        }
        String etag = Digests.etag(partDigests.toByteArray()) + "-" + order.size();
        uploads.remove(call.query.get("uploadId"));
        StoredObject object = store.store(call.bucket, call.key, content.toByteArray(), upload.contentType, etag,
                upload.metadata, "CompleteMultipartUpload");
        String xml = "<CompleteMultipartUploadResult>" + element("Location", call.location)
                + element("Bucket", call.bucket) + element("Key", call.key) + element("ETag", Digests.quote(etag))
                + "</CompleteMultipartUploadResult>";
        return callbacks.reply(call, object, callback, "", ObjectStore.headers(object), StandInAnswer.xml(200, xml));
    }

    /** The part numbers to join: every part with {@code x-oss-complete-all: yes}, else the body's list, checked. */
    private static List<Integer> order(StandInCall call, Upload upload) throws OssRefusal {
        List<Integer> order;
        if (call.body.length == 0 && "yes".equalsIgnoreCase(call.headers.get("x-oss-complete-all"))) {
            order = new ArrayList<>(upload.parts.keySet());
        } else {
            order = new ArrayList<>();
            int previous = 0;
            for (String[] part : StandInXml.completeParts(call.body)) {
                int number;
                try {
                    number = Integer.parseInt(part[0].trim());
                } catch (NumberFormatException e) {
                    throw new OssRefusal(400, "MalformedXML", "The XML you provided was not well-formed.");
                }
                if (number <= previous) {
                    throw new OssRefusal(400, "InvalidPartOrder", "The list of parts was not in ascending order.");
                }
                byte[] data = upload.parts.get(number);
                if (data == null || !Digests.unquote(part[1]).equalsIgnoreCase(Digests.etag(data))) {
                    throw new OssRefusal(400, "InvalidPart", "One or more of the specified parts could not be found "
                            + "or the specified entity tag might not have matched the part's entity tag.");
                }
                order.add(number);
                previous = number;
            }
        }
        if (order.isEmpty()) {
            throw new OssRefusal(400, "MalformedXML", "The XML you provided was not well-formed.");
        }
        return order;
    }

    private Upload upload(StandInCall call) throws OssRefusal {
        Upload upload = uploads.get(call.query.getOrDefault("uploadId", ""));
        if (upload == null || !upload.bucket.equals(call.bucket) || !upload.key.equals(call.key)) {
            throw new OssRefusal(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, "
                    + "or the upload may have been aborted or completed.");
        }
        return upload;
    }
}
