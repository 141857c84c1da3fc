package io.github.osscallback.servlet;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** The formatted messages one class logs while an action runs. */
final class LogCapture {
    private LogCapture() {
    }

    static List<String> messagesOf(Class<?> source, Callable<?> action) throws Exception {
        Logger logger = Logger.getLogger(source.getName());
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            action.call();
        } finally {
            logger.removeHandler(handler);
        }
        return records.stream().map(r -> MessageFormat.format(r.getMessage(), r.getParameters()))
                .collect(Collectors.toList());
    }
}
