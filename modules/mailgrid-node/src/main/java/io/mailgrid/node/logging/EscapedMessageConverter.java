package io.mailgrid.node.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

import io.mailgrid.core.ControlCharacters;

/**
 * {@code %safeMsg} in logback.xml: the event's message with control characters escaped, so text
 * from mail and clients (file names, HELO names, addresses) cannot forge a log line or send escape
 * sequences to whoever reads the log on a terminal, whichever library logged it.
 */
public final class EscapedMessageConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        return ControlCharacters.escape(event.getFormattedMessage());
    }
}
