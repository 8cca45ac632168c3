package io.mailgrid.node.logging;

import java.net.URL;
import java.util.Locale;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.joran.util.ConfigurationWatchListUtil;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;

/**
 * The log format of a node, {@code mailgrid.log.format}: {@code text} lines or one JSON object per
 * line for log shippers. Logback starts before the settings are read, so a node whose settings ask
 * for another format than Logback started with configures Logback again, from the same file, with
 * the format as the Logback property the shipped logback.xml chooses its appender by.
 */
public enum LogFormat {
    /** One line per event: date, level, thread, logger, mail id, message. */
    TEXT,
    /** One JSON object per event (Logback's JsonEncoder). */
    JSON;

    /** The setting. */
    public static final String KEY = "mailgrid.log.format";

    /** The format the settings name; fails naming the key for anything else. */
    public static LogFormat of(MailgridConfig config) {
        String value = config.string(KEY, "text");
        try {
            return valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(KEY + ": expected text or json, got '" + value + "'");
        }
    }

    /** Makes Logback write in the format the settings name (a no-op when it already does, or for a Logback not configured from a file). */
    public static void apply(MailgridConfig config) {
        LogFormat format = of(config);
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        String wanted = format.name().toLowerCase(Locale.ROOT);
        String current = context.getProperty(KEY) != null ? context.getProperty(KEY) : System.getProperty(KEY, "text");
        URL file = ConfigurationWatchListUtil.getMainWatchURL(context);
        if (wanted.equals(current) || file == null) {
            return;
        }
        context.reset();
        context.putProperty(KEY, wanted);
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(file);
        } catch (JoranException e) {
            throw new ConfigException("cannot configure logging for " + KEY + "=" + wanted + " from " + file + ": " + e.getMessage(), e);
        }
    }
}
