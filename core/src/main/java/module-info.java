/**
 * Verification of Alibaba Cloud OSS upload callbacks. Only the API package is exported; no type
 * outside it is part of the contract. {@code OssCallback.bind} hands your type to Jackson, so on
 * the module path open the package that holds it to {@code com.fasterxml.jackson.databind}.
 */
module io.github.osscallback {
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires com.github.benmanes.caffeine;
    requires java.net.http;

    exports io.github.osscallback;
}
