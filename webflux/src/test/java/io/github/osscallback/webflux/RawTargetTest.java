package io.github.osscallback.webflux;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.RawTargetCase;
import io.github.osscallback.fixtures.RawTargetTally;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.server.WebFilter;

/**
 * Genuine callbacks whose URL holds any printable ASCII character, percent escape or raw UTF-8,
 * in the path or in the query, sent over a raw socket to Reactor Netty, must verify through the
 * filter. What Netty or WebFlux refuses before the filter runs is recorded and skipped.
 */
class RawTargetTest {

    private static final byte[] BODY = "bucket=b&object=o.jpg".getBytes(StandardCharsets.UTF_8);
    private static final Set<String> REACHED = ConcurrentHashMap.newKeySet();
    private static final OssCallbackSigner SIGNER = OssCallbackSigner.generate();
    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static RawTargetTally tally;
    private static CallbackVerifier verifier;
    private static FluxServer server;

    /** Marks each request that reaches the filters, before the callback filter. */
    @Configuration(proxyBeanMethods = false)
    @Import(CallbackApp.class)
    static class Marked {
        @Bean
        WebFilter marker() {
            return new Marker();
        }

        /** Answers every verified callback under the matrix's prefix, whatever handler mappings make of its path. */
        @Bean
        WebFilter answering() {
            return new WebFilter() {
                @Override
                public reactor.core.publisher.Mono<Void> filter(org.springframework.web.server.ServerWebExchange exchange,
                                                                org.springframework.web.server.WebFilterChain chain) {
                    if (OssCallbackWebFilter.callback(exchange).isEmpty()) {
                        return chain.filter(exchange);
                    }
                    return OssCallbackWebFilter.write(exchange.getResponse(),
                            io.github.osscallback.CallbackReply.json(Map.of("verified", true)));
                }
            };
        }
    }

    static final class Marker implements WebFilter, Ordered {
        @Override
        public reactor.core.publisher.Mono<Void> filter(org.springframework.web.server.ServerWebExchange exchange,
                                                        org.springframework.web.server.WebFilterChain chain) {
            String id = exchange.getRequest().getHeaders().getFirst(RawTargetTally.CASE_HEADER);
            if (id != null) {
                REACHED.add(id);
            }
            return chain.filter(exchange);
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE - 1;
        }
    }

    @BeforeAll
    static void start() {
        tally = new RawTargetTally("WebFlux filter on Reactor Netty");
        verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, SIGNER.publicKeyPem())
                .remoteKeyFetching(false)
                .build();
        server = FluxServer.start(verifier, 2, Marked.class);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            server.close();
            verifier.close();
        } finally {
            tally.writeSummary();
        }
    }

    @TestFactory
    Stream<DynamicTest> genuineCallbacksVerifyWhateverTheTargetHolds() {
        return RawTargetCase.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(),
                () -> tally.check(c, "/oss/callback/verified", RawTargetTest::send,
                        id -> REACHED.remove(id) ? RawTargetTally.Seen.ADAPTER : RawTargetTally.Seen.NOWHERE)));
    }

    private static RawHttp.Response send(String signedPath, String signedQuery, String target, String id)
            throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(
                SIGNER.headers(KEY_URL, signedPath, signedQuery, "application/x-www-form-urlencoded", BODY));
        headers.put(RawTargetTally.CASE_HEADER, id);
        return RawHttp.post(server.port(), target, headers, BODY);
    }
}
