package io.github.osscallback.examples.spring;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.spring.OssCallbackBody;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The README's Spring Boot example. The starter verifies every request to {@code /oss/callback/*}
 * before this controller sees it; OSS gets the reply with an exact Content-Length.
 */
@SpringBootApplication
@RestController
public class UploadCallbackApplication {

    /** What the upload's callbackBody template sends: {"bucket":${bucket},"object":${object},"size":${size}}. */
    public record Upload(String bucket, String object, long size) {
    }

    @PostMapping("/oss/callback/upload")
    public CallbackReply uploaded(@OssCallbackBody Upload upload) {
        // Record the upload here; it is genuine, and it is the first time it is seen.
        return CallbackReply.json(Map.of("stored", upload.object()));
    }

    public static void main(String[] args) {
        SpringApplication.run(UploadCallbackApplication.class, args);
    }
}
