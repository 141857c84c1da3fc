package io.github.osscallback.testapps.solonhooks;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.micrometer.OssCallbackMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.TreeMap;
import org.noear.solon.Solon;
import org.noear.solon.annotation.Controller;
import org.noear.solon.annotation.Get;
import org.noear.solon.annotation.Inject;
import org.noear.solon.annotation.Mapping;
import org.noear.solon.annotation.Post;

/**
 * A Solon application handing the plugin its own beans ({@link HooksBeans}: a Redis replay store and
 * the micrometer module's listener), started in a process of its own by {@code SolonBeansTest}: Solon
 * runs one application per JVM. In a package of its own, so the shared test application's bean scan
 * never finds these beans.
 */
@Controller
public class HooksApplication {

    @Inject
    MeterRegistry registry;

    public static void main(String[] args) {
        Solon.start(HooksApplication.class, args);
        System.out.println("STARTED");
    }

    @Post
    @Mapping("/oss/callback/stored")
    public CallbackReply stored(OssCallback callback) {
        return CallbackReply.json(Map.of("object", callback.object().orElse("")));
    }

    /** The callback meters as "outcome reason" to count, outside the callback paths. */
    @Get
    @Mapping("/meters")
    public Map<String, Double> meters() {
        Map<String, Double> counts = new TreeMap<>();
        for (Counter counter : registry.find(OssCallbackMetrics.REQUESTS).counters()) {
            if (counter.count() > 0) {
                counts.put(counter.getId().getTag("outcome") + " " + counter.getId().getTag("reason"), counter.count());
            }
        }
        return counts;
    }
}
