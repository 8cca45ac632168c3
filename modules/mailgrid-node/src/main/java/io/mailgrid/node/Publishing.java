package io.mailgrid.node;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Stage;

/**
 * Prepares a checked mail for its next queue: the duplicate-detection id of the stage, so a
 * mail redone after a crash or by a peer never yields a second copy there. Bound as
 * {@code publishing}.
 */
public final class Publishing {

    private static final Logger LOG = LoggerFactory.getLogger(Publishing.class);

    /** Before the publish to mailgrid.outbound.&lt;origin&gt;. */
    public void toOutbound(Exchange exchange) {
        stage(exchange, Stage.OUTBOUND);
    }

    /** Before the publish to mailgrid.quarantine. */
    public void toQuarantine(Exchange exchange) {
        stage(exchange, Stage.QUARANTINE);
        Message in = exchange.getMessage();
        LOG.info("Mail {} quarantined: {}: {}", in.getHeader(MailProperty.MAIL_ID), in.getHeader(MailProperty.VERDICT),
                in.getHeader(MailProperty.REASON));
    }

    static void stage(Exchange exchange, Stage stage) {
        Message in = exchange.getMessage();
        in.setHeader(MailProperty.DUPLICATE_ID, stage.duplicateId(in.getHeader(MailProperty.MAIL_ID, String.class),
                in.getHeader(MailProperty.GENERATION, 0, Integer.class)));
    }
}
