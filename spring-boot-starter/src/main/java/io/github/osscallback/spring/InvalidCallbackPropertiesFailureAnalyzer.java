package io.github.osscallback.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Boot's start-up report for a bad {@code oss.callback.*} property: the problem and the fix, without a stack trace to read. */
final class InvalidCallbackPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<InvalidCallbackPropertiesException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidCallbackPropertiesException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
