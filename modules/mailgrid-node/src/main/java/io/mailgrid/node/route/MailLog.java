package io.mailgrid.node.route;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import io.mailgrid.core.ControlCharacters;
import io.mailgrid.core.MailProperty;

/**
 * The one INFO line per delivered mail an admin follows a mail by, as MTA logs have: mail id,
 * Message-ID, sender and number of recipients (never their addresses: Bcc stays out of the log), size, verdict and checks, the node that checked it, where it went
 * and what the next hop answered (Postfix's "queued as" id), so a mail can be traced from the
 * sending MTA's log into Mailgrid's and on into the next hop's.
 */
final class MailLog {

    private static final Logger LOG = LoggerFactory.getLogger(MailLog.class);
    /** How far into a mail its header block is looked for. */
    private static final int HEADER_LIMIT = 64 * 1024;
    private static final int FIELD_LIMIT = 256;
    /** A line break that folds a field (compiled once: this runs for every delivered mail). */
    private static final Pattern FOLD = Pattern.compile("\r?\n[ \t]+");
    private static final Pattern LINE = Pattern.compile("\r?\n");
    /** The key of the next hop's reply among a delivered line's key-value pairs (a JSON field). */
    static final String NEXT_HOP_REPLY = "next_hop_reply";

    private MailLog() {
    }

    /**
     * Logs a mail delivered to {@code target}, with what the next hop answered (a relay's reply to
     * the end of DATA, already printable): in the line, and as the key-value pair
     * {@value #NEXT_HOP_REPLY} that the JSON layout writes as a field of its own.
     */
    static void delivered(Map<String, Object> properties, byte[] mail, String target, Optional<String> reply) {
        // recipients by number only: Bcc addresses stay out of the log above DEBUG (IngressHeadersNodeTest)
        Object recipients = properties.get(MailProperty.RCPT_TO);
        LoggingEventBuilder line = LOG.atInfo();
        if (reply.isPresent()) {
            line = line.addKeyValue(NEXT_HOP_REPLY, reply.get());
        }
        line.log("Mail {} delivered: message-id {}, from <{}>, {} recipient(s), {} bytes, verdict {} ({}), checked by {}, to {}{}",
                properties.get(MailProperty.MAIL_ID), messageId(mail), text(properties.get(MailProperty.MAIL_FROM)),
                recipients == null ? 0 : recipients.toString().split(",").length, mail.length,
                properties.getOrDefault(MailProperty.VERDICT, "CLEAN"), text(properties.get(MailProperty.CHECKS)),
                text(properties.get(MailProperty.PROCESSED_BY)), target, reply.map(r -> " (" + r + ")").orElse(""));
    }

    /** The Message-ID header of a mail (unfolded, escaped, at most 256 characters), or "-" without one. */
    static String messageId(byte[] mail) {
        return header(mail, "message-id");
    }

    /** A header of a mail, {@code name} in lower case (unfolded, escaped, at most 256 characters), or "-" without it. */
    static String header(byte[] mail, String name) {
        String headers = new String(mail, 0, Math.min(mail.length, HEADER_LIMIT), StandardCharsets.ISO_8859_1);
        int end = headers.indexOf("\r\n\r\n");
        if (end < 0) {
            end = headers.indexOf("\n\n");
        }
        String block = FOLD.matcher(end < 0 ? headers : headers.substring(0, end)).replaceAll(" ");
        for (String line : LINE.split(block)) {
            if (line.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
                String value = line.substring(name.length() + 1).strip();
                return value.isEmpty() ? "-" : ControlCharacters.escape(value.length() > FIELD_LIMIT ? value.substring(0, FIELD_LIMIT) : value);
            }
        }
        return "-";
    }

    static String text(Object value) {
        if (value == null) {
            return "";
        }
        String text = value.toString();
        return ControlCharacters.escape(text.length() > FIELD_LIMIT ? text.substring(0, FIELD_LIMIT) + "..." : text);
    }
}
