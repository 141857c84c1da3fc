/**
 * Verification of Alibaba Cloud OSS upload callbacks. Three packages are exported, one per
 * audience: {@code io.github.osscallback} for applications, {@code io.github.osscallback.spi}
 * for adapter authors and {@code io.github.osscallback.upload} for issuing uploads. The shared
 * internals ({@code io.github.osscallback.internal}) are not exported and not part of the
 * contract. {@code OssCallback.bind} hands your type to Jackson, so on the module path open the
 * package that holds it to {@code com.fasterxml.jackson.databind}.
 */
module io.github.osscallback {
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.github.benmanes.caffeine;
    requires java.net.http;
    requires java.xml;

    exports io.github.osscallback;
    exports io.github.osscallback.spi;
    exports io.github.osscallback.upload;
}
