package io.github.osscallback.testing;

import static io.github.osscallback.testing.StandInAnswer.element;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * PostObject: a browser's form upload to the bucket. Parses the form, checks its policy (and its
 * signature, when the stand-in has an AccessKey), stores the file under the form's key, and
 * answers as {@code success_action_status} asks or relays the form's callback.
 */
final class PostObjectUpload {

    private final ObjectStore store;
    private final CallbackRelay callbacks;
    private final Clock clock;
    /** The AccessKey policies must be signed with, or null to check policies but not signatures. */
    private final String accessKeyId;
    private final String accessKeySecret;

    PostObjectUpload(ObjectStore store, CallbackRelay callbacks, Clock clock, String accessKeyId,
                     String accessKeySecret) {
        this.store = store;
        this.callbacks = callbacks;
        this.clock = clock;
        this.accessKeyId = accessKeyId;
        this.accessKeySecret = accessKeySecret;
    }

    StandInAnswer post(StandInCall call, String contentType) throws OssRefusal {
        PostObjectForm form = PostObjectForm.parse(contentType, call.body);
        PostPolicyCheck.check(form, call.bucket, accessKeyId, accessKeySecret, clock);
        String key = form.field("key");
        if (key == null || key.isEmpty()) {
            throw new OssRefusal(400, "InvalidArgument", "The key field of a PostObject must name the object.");
        }
        // OSS replaces ${filename} in the key with the uploaded file's name.
        key = key.replace("${filename}", form.fileName == null ? "" : form.fileName);
        Map<String, String> variables = new LinkedHashMap<>();
        Map<String, String> metadata = new TreeMap<>();
        form.fields.forEach((name, value) -> {
            if (name.regionMatches(true, 0, "x:", 0, 2)) {
                // By the same case-insensitive reading as the policy check, so a second spelling
                // (X:ROLE beside x:role) cannot pass the check with one value and fill in another.
                String variable = name.toLowerCase(Locale.ROOT);
                variables.putIfAbsent(variable, form.field(variable));
            } else if (name.toLowerCase(Locale.ROOT).startsWith(ObjectStore.META_PREFIX)) {
                metadata.put(name.substring(ObjectStore.META_PREFIX.length()).toLowerCase(Locale.ROOT), value);
            }
        });
        CallbackSpec callback = callbacks.parse(form.field("callback"), form.field("callback-var"), variables);
        String objectType = form.field("Content-Type");
        if (objectType == null) {
            objectType = form.fileContentType == null ? "application/octet-stream" : form.fileContentType;
        }
        StoredObject object = store.store(call.bucket, key, form.file, objectType, Digests.etag(form.file), metadata,
                "PostObject");
        String contentMd5 = Digests.base64Md5(form.file);
        Map<String, String> headers = ObjectStore.headers(object);
        headers.put("Content-MD5", contentMd5);
        return callbacks.reply(call, object, callback, contentMd5, headers,
                withoutCallback(form.field("success_action_status"), call, key, object));
    }

    /** The answer without a callback: as {@code success_action_status} asks, 200, 201 with XML, else 204. */
    private static StandInAnswer withoutCallback(String status, StandInCall call, String key, StoredObject object) {
        if ("200".equals(status)) {
            return StandInAnswer.empty(200);
        }
        if ("201".equals(status)) {
            return StandInAnswer.xml(201, "<PostResponse>" + element("Bucket", call.bucket)
                    + element("Location", call.location(key)) + element("Key", key)
                    + element("ETag", Digests.quote(object.etag())) + "</PostResponse>");
        }
        return StandInAnswer.empty(204);
    }
}
