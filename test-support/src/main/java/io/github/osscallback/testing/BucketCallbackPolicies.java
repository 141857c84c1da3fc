package io.github.osscallback.testing;

import io.github.osscallback.upload.CallbackParameters;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The callback policies stored on the stand-in's buckets (OSS's PutBucketCallbackPolicy), by name:
 * an upload whose {@code x-oss-callback} is {@code {"callbackPolicy":"name"}} gets the stored
 * parameters instead. Not checked against the live service: the error for an unknown name (here
 * {@code InvalidArgument}), and which {@code callback-var} wins when the upload sends one too (here
 * the policy's, when it has one).
 */
final class BucketCallbackPolicies {

    private final Map<String, CallbackParameters> byName;

    BucketCallbackPolicies(Map<String, CallbackParameters> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** An upload's callback and callback-var as OSS uses them: the named policy's, or as sent. */
    String[] resolve(String callbackBase64, String varBase64) throws OssRefusal {
        if (callbackBase64 == null) {
            return new String[] {null, varBase64};
        }
        String name;
        try {
            Map<String, String> fields = StandInJson.object(
                    new String(Base64.getDecoder().decode(callbackBase64.trim()), StandardCharsets.UTF_8));
            name = fields.get("callbackPolicy");
        } catch (IllegalArgumentException e) {
            // Not base64 or not JSON: CallbackSpec refuses it as OSS does.
            return new String[] {callbackBase64, varBase64};
        }
        if (name == null) {
            return new String[] {callbackBase64, varBase64};
        }
        CallbackParameters policy = byName.get(name);
        if (policy == null) {
            throw new OssRefusal(400, "InvalidArgument", "The callback policy " + name + " does not exist on the bucket.");
        }
        return new String[] {policy.callbackHeader(), policy.callbackVarHeader().orElse(varBase64)};
    }

    /** The policies as a builder collects them. */
    static Map<String, CallbackParameters> collecting() {
        return new LinkedHashMap<>();
    }
}
