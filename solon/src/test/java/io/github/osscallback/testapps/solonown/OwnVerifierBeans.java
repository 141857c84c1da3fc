package io.github.osscallback.testapps.solonown;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import org.noear.solon.annotation.Bean;
import org.noear.solon.annotation.Configuration;
import org.noear.solon.annotation.Inject;

/**
 * The application's own verifier, configured in code: it trusts the key host given as
 * {@code test.key-url-prefix}, which no oss.callback property names, so a callback signed with a key
 * there verifies only if the plugin uses this bean.
 */
@Configuration
public class OwnVerifierBeans {

    @Bean
    public CallbackVerifier verifier(@Inject("${test.key-url-prefix}") String keyUrlPrefix) {
        return CallbackVerifier.builder().keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyUrlPrefix).build()).build();
    }
}
