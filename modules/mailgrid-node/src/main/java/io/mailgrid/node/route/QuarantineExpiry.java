package io.mailgrid.node.route;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.Ages;
import io.mailgrid.core.MailProperty;

/**
 * Logs one INFO line for a quarantined mail the broker expired after the retention, then lets the
 * route drop it; bound as {@code quarantineExpiry} (routes/quarantine.xml, docs/adr/0041).
 */
public final class QuarantineExpiry implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(QuarantineExpiry.class);

    private final Duration retention;
    private final Clock clock;

    /**
     * @param retention this node's mailgrid.quarantine.retention, named in the line (the mail's own
     *                  expiry was set by whichever node quarantined it)
     * @param clock     for the mail's age
     */
    public QuarantineExpiry(Duration retention, Clock clock) {
        this.retention = retention;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        Map<String, Object> properties = in.getHeaders();
        LOG.info("Mail {} removed from the quarantine after the retention of {}: message-id {}, verdict {} ({}),"
                + " quarantined {} ago by {}", MailLog.text(properties.get(MailProperty.MAIL_ID)),
                Ages.of(retention), MailLog.messageId(in.getMandatoryBody(byte[].class)),
                MailLog.text(properties.get(MailProperty.VERDICT)), MailLog.text(properties.get(MailProperty.REASON)),
                Ages.of(age(properties)), MailLog.text(properties.get(MailProperty.PROCESSED_BY)));
        // logged: acknowledging it is the removal
        CommitGuard.handedOn(exchange);
    }

    /** Time since the mail was quarantined (checked), or since it was received for a mail without that stamp. */
    private Duration age(Map<String, Object> properties) {
        Object at = properties.getOrDefault(MailProperty.PROCESSED_AT, properties.get(MailProperty.RECEIVED_AT));
        if (!(at instanceof Number millis)) {
            return Duration.ZERO;
        }
        Duration age = Duration.between(Instant.ofEpochMilli(millis.longValue()), clock.instant());
        return age.isNegative() ? Duration.ZERO : age;
    }
}
