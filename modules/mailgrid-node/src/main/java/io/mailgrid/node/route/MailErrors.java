package io.mailgrid.node.route;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.ControlCharacters;
import io.mailgrid.core.MailProperty;

/**
 * Decides what a failure means for a mail taken from a queue in a transaction; bound as
 * {@code mailErrors} and used by routes/errors.xml.
 *
 * <p>Before the last allowed delivery, the failure is logged and the transaction rolls back (the
 * broker redelivers). On the last one {@link Publish#deadLetter} moves the mail to
 * {@code mailgrid.dlq} with the reason, under a duplicate-detection id naming the message taken
 * ({@link io.mailgrid.core.Stage#DLQ}), so the same message back after a lost commit is
 * dead-lettered once.
 */
public final class MailErrors {

    private static final Logger LOG = LoggerFactory.getLogger(MailErrors.class);

    private final int maxAttempts;

    /** @param maxAttempts deliveries of one mail before it is dead-lettered; matches broker.xml */
    public MailErrors(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /** Whether this delivery of the mail is the last the broker allows. */
    public boolean isLastAttempt(Exchange exchange) {
        return attempt(exchange.getMessage()) >= maxAttempts;
    }

    /** Records the reason and the queue the mail failed in, before the publish to the DLQ. */
    void prepareDeadLetter(Exchange exchange) {
        Message in = exchange.getMessage();
        // exception messages may quote the mail, a scanner or a relay: no control character in the reason
        String reason = ControlCharacters.escape(reason(exchange));
        String queue = queueName(in);
        in.setHeader(MailProperty.REASON, reason);
        in.setHeader(MailProperty.FAILED_QUEUE, queue);
        // where the broker's own retry (Artemis console, retryMessages) sends it back: the queue it failed in
        in.setHeader(MailProperty.ARTEMIS_ORIGINAL_ADDRESS, queue);
        in.setHeader(MailProperty.ARTEMIS_ORIGINAL_QUEUE, queue);
        LOG.warn("Mail {} moved to the dead-letter queue after {} attempts in {}: {}",
                in.getHeader(MailProperty.MAIL_ID), attempt(in), queue, reason);
    }

    /** Logs a failure that the broker will retry. */
    public void logRollback(Exchange exchange) {
        Message in = exchange.getMessage();
        LOG.warn("Mail {} attempt {}/{} in {} failed, rolled back for redelivery: {}",
                in.getHeader(MailProperty.MAIL_ID), attempt(in), maxAttempts, queueName(in), reason(exchange));
    }

    private static int attempt(Message in) {
        return in.getHeader(MailProperty.DELIVERY_COUNT, 1, Integer.class);
    }

    private static String reason(Exchange exchange) {
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            return "unknown failure";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    static String queueName(Message in) {
        Destination destination = in.getHeader("JMSDestination", Destination.class);
        if (destination instanceof Queue queue) {
            try {
                return queue.getQueueName();
            } catch (JMSException e) {
                return destination.toString();
            }
        }
        return String.valueOf(destination);
    }
}
