package io.mailgrid.node;

import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.RuntimeCamelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Stage;

/**
 * Prepares a checked mail for its next queue: the duplicate-detection id of the stage, so a
 * mail redone after a crash or by a peer never yields a second copy there. Bound as
 * {@code publishing}.
 *
 * <p>A <em>redelivered</em> mail is published by {@link #publishOutsideTransaction} instead of in
 * the grabber's transaction (docs/adr/0011): an earlier attempt's publish may have been committed
 * although the mail came back (the broker stopped or failed over during that commit). In the
 * transaction, that publish's known duplicate-detection id would make Artemis roll back every
 * later attempt, and the mail would end in the dead-letter queue although it was delivered.
 * Outside it, the broker drops the duplicate and the grabber's transaction only acknowledges.
 */
public final class Publishing implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Publishing.class);

    private final ConnectionFactory factory;
    private JMSContext context;

    /** @param factory the node's connection factory, for publishing redelivered mails outside the transaction */
    public Publishing(ConnectionFactory factory) {
        this.factory = factory;
    }

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

    /** Whether this is a second or later delivery of the mail (JMSXDeliveryCount above 1). */
    public boolean isRedelivered(Exchange exchange) {
        return exchange.getMessage().getHeader(MailProperty.DELIVERY_COUNT, 1, Integer.class) > 1;
    }

    /**
     * Publishes the mail to the queue on a session of its own, not in the grabber's transaction:
     * a durable send that returns once the broker stored it, or dropped it as a duplicate of an
     * earlier attempt's committed publish. Either way exactly one copy is there afterwards, and the
     * grabber's transaction may acknowledge the mail. A crash before that acknowledgement
     * redelivers the mail, whose publish is then dropped as a duplicate.
     *
     * @throws RuntimeCamelException if the broker did not confirm (the grabber's transaction rolls back)
     */
    public synchronized void publishOutsideTransaction(Exchange exchange, String queue) {
        Message in = exchange.getMessage();
        try {
            if (context == null) {
                context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
            }
            BytesMessage message = context.createBytesMessage();
            message.writeBytes(in.getMandatoryBody(byte[].class));
            for (Map.Entry<String, Object> header : in.getHeaders().entrySet()) {
                if (isMailProperty(header.getKey()) && isPropertyValue(header.getValue())) {
                    message.setObjectProperty(header.getKey(), header.getValue());
                }
            }
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(context.createQueue(queue), message);
            LOG.info("Mail {} attempt {}: published to {} outside the transaction (the broker keeps one copy if an"
                    + " earlier attempt's publish was committed)", in.getHeader(MailProperty.MAIL_ID),
                    in.getHeader(MailProperty.DELIVERY_COUNT), queue);
        } catch (JMSException | JMSRuntimeException | org.apache.camel.InvalidPayloadException e) {
            closeContext(); // a context that failed may be broken: never reuse it
            throw new RuntimeCamelException("publish of redelivered mail " + in.getHeader(MailProperty.MAIL_ID) + " to "
                    + queue + " failed: " + e.getMessage(), e);
        }
    }

    private static boolean isMailProperty(String name) {
        return name.startsWith(MailProperty.PREFIX) || name.equals(MailProperty.DUPLICATE_ID)
                || name.equals(MailProperty.ARTEMIS_SCHEDULED_DELIVERY);
    }

    private static boolean isPropertyValue(Object value) {
        return value instanceof String || value instanceof Number || value instanceof Boolean;
    }

    static void stage(Exchange exchange, Stage stage) {
        Message in = exchange.getMessage();
        in.setHeader(MailProperty.DUPLICATE_ID, stage.duplicateId(in.getHeader(MailProperty.MAIL_ID, String.class),
                in.getHeader(MailProperty.GENERATION, 0, Integer.class)));
    }

    @Override
    public synchronized void close() {
        closeContext();
    }

    private void closeContext() {
        if (context != null) {
            try {
                context.close();
            } catch (RuntimeException ignored) {
                // closing a broken context is best effort
            }
            context = null;
        }
    }
}
