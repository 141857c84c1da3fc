package io.github.osscallback.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Boot's start-up report for a bad {@code oss.callback.*} property: the problem and the fix, without a stack trace to read. */
final class InvalidCallbackPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<InvalidCallbackPropertiesException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidCallbackPropertiesException cause) {
        return new FailureAnalysis(cause.getMessage(), "Correct the oss.callback property named above (the oss-callback"
                + " documentation, docs/spring.md, lists them), or define your own CallbackVerifier bean.", cause);
    }
}
