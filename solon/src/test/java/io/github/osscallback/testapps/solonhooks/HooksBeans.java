package io.github.osscallback.testapps.solonhooks;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.ReplayStore;
import io.github.osscallback.micrometer.OssCallbackMetrics;
import io.github.osscallback.redis.RedisReplayStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.noear.solon.annotation.Bean;
import org.noear.solon.annotation.Configuration;
import org.noear.solon.annotation.Inject;

/** The beans a Solon application declares for a shared replay store and meters. */
@Configuration
public class HooksBeans {

    @Bean
    public MeterRegistry registry() {
        return new SimpleMeterRegistry();
    }

    @Bean
    public ReplayStore replayStore(@Inject("${test.redis-uri}") String uri) {
        return RedisReplayStore.builder().uri(uri).build();
    }

    @Bean
    public CallbackListener meters(MeterRegistry registry) {
        return OssCallbackMetrics.bind(registry);
    }
}
