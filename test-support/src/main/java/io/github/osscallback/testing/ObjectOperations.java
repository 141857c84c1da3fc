package io.github.osscallback.testing;

import java.util.Map;

/** PutObject, GetObject and HeadObject against the stand-in's store. */
final class ObjectOperations {

    private final ObjectStore store;
    private final CallbackRelay callbacks;
    private final ReadGate reads;

    ObjectOperations(ObjectStore store, CallbackRelay callbacks, ReadGate reads) {
        this.store = store;
        this.callbacks = callbacks;
        this.reads = reads;
    }

    /** PutObject: stores the body (after its Content-MD5 is checked), then relays its callback, if any. */
    StandInAnswer put(StandInCall call) throws OssRefusal {
        CallbackSpec callback = callbacks.requested(call);
        Digests.checkContentMd5(call.headers.get("content-md5"), call.body);
        StoredObject object = store.store(call.bucket, call.key, call.body, call.objectContentType(),
                Digests.etag(call.body), call.metadata(), "PutObject");
        String contentMd5 = Digests.base64Md5(call.body);
        Map<String, String> headers = ObjectStore.headers(object);
        headers.put("Content-MD5", contentMd5);
        return callbacks.reply(call, object, callback, contentMd5, headers, StandInAnswer.empty(200));
    }

    /**
     * GetObject and HeadObject (the same answer; a HEAD is sent without its body): the object's
     * bytes, Content-Type, Content-Length, quoted ETag, Last-Modified and metadata, or 404 NoSuchKey.
     * A test's hold on reads, or their failure, comes first.
     */
    StandInAnswer get(StandInCall call) throws OssRefusal {
        reads.pass();
        StoredObject object = store.get(call.bucket, call.key);
        if (object == null) {
            throw new OssRefusal(404, "NoSuchKey", "The specified key does not exist.");
        }
        StandInAnswer answer = new StandInAnswer(200, object.contentType(), object.content())
                .with(ObjectStore.headers(object));
        answer.headers.put("Last-Modified", StandInAnswer.HTTP_DATE.format(object.lastModified()));
        object.metadata().forEach((name, value) -> answer.headers.put(ObjectStore.META_PREFIX + name, value));
        return answer;
    }
}
