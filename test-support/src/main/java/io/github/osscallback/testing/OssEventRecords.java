package io.github.osscallback.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** OSS event records as OSS writes them into MNS messages and EventBridge's {@code data}. */
final class OssEventRecords {

    static final ObjectMapper JSON = new ObjectMapper();

    private OssEventRecords() {
    }

    static ObjectNode record(String eventName, String region, String bucket, String key, long size, String eTag,
            String requestId, Instant time) {
        ObjectNode record = JSON.createObjectNode();
        record.put("eventName", eventName);
        record.put("eventSource", "acs:oss");
        record.put("eventTime", time.toString());
        record.put("eventVersion", "1.0");
        ObjectNode oss = record.putObject("oss");
        ObjectNode b = oss.putObject("bucket");
        b.put("arn", "acs:oss:" + region + ":1234567890:" + bucket);
        b.put("name", bucket);
        b.put("ownerIdentity", "1234567890");
        ObjectNode o = oss.putObject("object");
        o.put("deltaSize", size);
        o.put("eTag", eTag);
        o.put("key", key);
        o.put("size", size);
        oss.put("ossSchemaVersion", "1.0");
        oss.put("ruleId", "oss-callback-test");
        record.put("region", region);
        record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
        record.putObject("responseElements").put("requestId", requestId);
        record.putObject("userIdentity").put("principalId", "1234567890");
        return record;
    }
}
