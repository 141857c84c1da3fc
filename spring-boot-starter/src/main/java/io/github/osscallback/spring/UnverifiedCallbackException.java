package io.github.osscallback.spring;

import org.springframework.core.MethodParameter;

/**
 * A handler asked for a verified callback on a request the filter did not verify: its path is
 * outside {@code oss.callback.paths}. A configuration error, so the request is refused (500)
 * rather than handed unverified data.
 */
final class UnverifiedCallbackException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    UnverifiedCallbackException(MethodParameter parameter) {
        super(parameter.getExecutable().toGenericString() + " takes a verified OSS callback, but this request was not"
                + " verified: map the handler under oss.callback.paths (or add its path to them)");
    }
}
