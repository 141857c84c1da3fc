package io.github.osscallback.testapps.solonown;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import java.util.Map;
import org.noear.solon.Solon;
import org.noear.solon.annotation.Controller;
import org.noear.solon.annotation.Mapping;
import org.noear.solon.annotation.Post;

/**
 * A Solon application with its own {@code CallbackVerifier} bean ({@link OwnVerifierBeans}), started
 * in a process of its own by {@code SolonBeansTest}.
 */
@Controller
public class OwnVerifierApplication {

    public static void main(String[] args) {
        Solon.start(OwnVerifierApplication.class, args);
        System.out.println("STARTED");
    }

    @Post
    @Mapping("/oss/callback/own")
    public CallbackReply own(OssCallback callback) {
        return CallbackReply.json(Map.of("object", callback.object().orElse("")));
    }
}
