package io.github.osscallback;

import io.github.osscallback.fixtures.CodeLocations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.osscallback.testing.OssCallbackSigner;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The suite runs on the class path (its tests live in the library's own package); this test puts
 * the compiled library and its dependencies on a module path of their own, in a module layer, so
 * the descriptor is checked as a modular application meets it.
 */
class ModuleDescriptorTest {

    private static final String MODULE = "io.github.osscallback";

    private static ModuleLayer layer() throws Exception {
        ModuleFinder finder = ModuleFinder.of(CodeLocations.of(CallbackVerifier.class), CodeLocations.of(Caffeine.class),
                CodeLocations.of(ObjectMapper.class), CodeLocations.of(JsonFactory.class), CodeLocations.of(JsonCreator.class));
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of(MODULE));
        return ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void exportsThePackageOfEachAudienceAndOpensNothing() throws Exception {
        ModuleDescriptor descriptor = layer().findModule(MODULE).orElseThrow().getDescriptor();
        Set<String> expected = new HashSet<>(Set.of(MODULE, MODULE + ".spi", MODULE + ".upload"));
        assertTrue(descriptor.packages().contains(MODULE + ".internal"), "internals are in the module, not exported");
        // Test support is exported while it ships in this jar.
        if (descriptor.packages().contains(MODULE + ".testing")) {
            expected.add(MODULE + ".testing");
        }
        assertEquals(expected, descriptor.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet()));
        assertTrue(descriptor.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
        assertEquals(Set.of(), descriptor.opens());
        assertTrue(!descriptor.isOpen() && !descriptor.isAutomatic());
    }

    @Test
    void verifiesACallbackAsANamedModule() throws Exception {
        // Reflection on the layer's own classes: these are not the class-path copies this test sees.
        ModuleLayer layer = layer();
        ClassLoader loader = layer.findLoader(MODULE);
        String keyUrl = "https://keys.test/oss/key.pem";
        OssCallbackSigner signer = OssCallbackSigner.generate(); // signing needs nothing from the layer
        byte[] body = "{\"bucket\":\"b\",\"object\":\"o\"}".getBytes(StandardCharsets.UTF_8);
        Class<?> requestType = loader.loadClass(MODULE + ".CallbackRequest");
        Object requestBuilder = requestType.getMethod("builder").invoke(null);
        Class<?> requestBuilderType = requestBuilder.getClass();
        requestBuilderType.getMethod("method", String.class).invoke(requestBuilder, "POST");
        requestBuilderType.getMethod("path", String.class).invoke(requestBuilder, "/cb");
        Method header = requestBuilderType.getMethod("header", String.class, String.class);
        header.invoke(requestBuilder, CallbackRequest.AUTHORIZATION, signer.sign("/cb", null, body));
        header.invoke(requestBuilder, CallbackRequest.PUB_KEY_URL, OssCallbackSigner.encodeKeyUrl(keyUrl));
        header.invoke(requestBuilder, CallbackRequest.CONTENT_TYPE, "application/json");
        requestBuilderType.getMethod("body", byte[].class).invoke(requestBuilder, body);
        Object request = requestBuilderType.getMethod("build").invoke(requestBuilder);

        Class<?> policyType = loader.loadClass(MODULE + ".KeyUrlPolicy");
        Object policyBuilder = policyType.getMethod("builder").invoke(null);
        policyBuilder = policyBuilder.getClass().getMethod("allowPrefix", String.class)
                .invoke(policyBuilder, "https://keys.test/oss/");
        Object policy = policyBuilder.getClass().getMethod("build").invoke(policyBuilder);
        Class<?> verifierType = loader.loadClass(MODULE + ".CallbackVerifier");
        Object builder = verifierType.getMethod("builder").invoke(null);
        Class<?> builderType = builder.getClass();
        builderType.getMethod("keyUrlPolicy", policyType).invoke(builder, policy);
        builderType.getMethod("pinKey", String.class, String.class)
                .invoke(builder, keyUrl, signer.publicKeyPem());
        builderType.getMethod("remoteKeyFetching", boolean.class).invoke(builder, false);
        Object verifier = builderType.getMethod("build").invoke(builder);
        Object callback = verifierType.getMethod("verify", requestType)
                .invoke(verifier, request);

        assertEquals(layer.findModule(MODULE).orElseThrow(), callback.getClass().getModule());
        assertEquals(Optional.of("o"), callback.getClass().getMethod("field", String.class).invoke(callback, "object"));
    }

    @Test
    void signsAPostPolicyAsANamedModule() throws Exception {
        ModuleLayer layer = layer();
        ClassLoader loader = layer.findLoader(MODULE);
        Class<?> credentialsType = loader.loadClass(MODULE + ".OssCredentials");
        Object credentials = credentialsType.getMethod("of", String.class, String.class)
                .invoke(null, "LTAI5tModule", "moduleSecret0123456789abcdef");
        Class<?> policyType = loader.loadClass(MODULE + ".upload.PostPolicy");
        Object builder = policyType.getMethod("builder").invoke(null);
        Class<?> builderType = builder.getClass();
        builderType.getMethod("credentials", credentialsType).invoke(builder, credentials);
        builderType.getMethod("bucket", String.class).invoke(builder, "demo-bucket");
        builderType.getMethod("region", String.class).invoke(builder, "cn-hangzhou");
        builderType.getMethod("objectKey", String.class).invoke(builder, "a.png");
        Object policy = builderType.getMethod("build").invoke(builder);

        assertEquals(layer.findModule(MODULE).orElseThrow(), policy.getClass().getModule());
        String json = (String) policyType.getMethod("toJson").invoke(policy);
        assertEquals("a.png", new ObjectMapper().readTree(json).get("fields").get("key").asText());
    }
}
