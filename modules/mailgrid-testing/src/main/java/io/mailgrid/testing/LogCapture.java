package io.mailgrid.testing;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

/**
 * The log events of some loggers (and their children) while a test runs, each with the MDC it was
 * logged under: read on the logging thread, since Logback reads an event's MDC lazily and a pooled
 * thread's MDC has moved on by the time a test looks. {@link #close()} detaches it.
 */
public final class LogCapture implements AutoCloseable {

    /**
     * One event.
     *
     * @param logger    the logger's name
     * @param message   the formatted message
     * @param mdc       the MDC on the logging thread when it was logged
     * @param keyValues its key-value pairs ({@code key="value"}), empty without
     */
    public record Line(String logger, String message, Map<String, String> mdc, String keyValues) {

        /** The value of an MDC key, or null. */
        public String mdc(String key) {
            return mdc.get(key);
        }

        @Override
        public String toString() {
            return mdc + " " + logger + " - " + message + (keyValues.isEmpty() ? "" : " " + keyValues);
        }
    }

    private final List<Logger> loggers;
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            List<?> pairs = event.getKeyValuePairs();
            lines.add(new Line(event.getLoggerName(), event.getFormattedMessage(), Collections.unmodifiableMap(new HashMap<>(event.getMDCPropertyMap())),
                    pairs == null || pairs.isEmpty() ? "" : pairs.toString()));
        }
    };

    private LogCapture(List<Logger> loggers) {
        this.loggers = loggers;
    }

    /** Starts recording these loggers' events (at the levels they are enabled at). */
    public static LogCapture of(String... loggerNames) {
        List<Logger> loggers = Arrays.stream(loggerNames).map(name -> (Logger) LoggerFactory.getLogger(name)).toList();
        LogCapture capture = new LogCapture(loggers);
        capture.appender.setContext(loggers.get(0).getLoggerContext());
        capture.appender.start();
        loggers.forEach(logger -> logger.addAppender(capture.appender));
        return capture;
    }

    /** Every line so far, in order. */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines whose message contains the text. */
    public List<Line> mentioning(String text) {
        return lines.stream().filter(line -> line.message().contains(text)).toList();
    }

    /** Forgets the lines so far. */
    public void clear() {
        lines.clear();
    }

    @Override
    public void close() {
        loggers.forEach(logger -> logger.detachAppender(appender));
        appender.stop();
    }
}
