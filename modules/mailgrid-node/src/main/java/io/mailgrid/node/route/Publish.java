package io.mailgrid.node.route;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;

import org.apache.camel.AsyncProducer;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.MailMessage;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;
import io.mailgrid.core.Stage;
import io.mailgrid.core.Verdict;
import io.mailgrid.web.MailMetrics;

/**
 * The one step that hands a mail taken in a JMS transaction on to its next queue; bound as
 * {@code publish}. What it publishes is decided from the exchange, not by the route:
 * <ul>
 *   <li>a mail taken from a mailbox (grabber): if the policy chain's verdict is CLEAN and the mailbox
 *       is this node's own and the node delivers into a Maildir, delivered here through the
 *       {@code delivery} step in the same transaction (docs/adr/0035); other CLEAN mail to
 *       {@code mailgrid.outbound.<node>}; any other verdict to {@code mailgrid.quarantine}, with an expiry of the retention
 *       ({@code mailgrid.quarantine.retention}, docs/adr/0041);</li>
 *   <li>a mail taken from an outbound queue (delivery): nothing if it was delivered to every
 *       recipient; if an SMTP relay refused some, a copy for those to {@code mailgrid.dlq}; if it
 *       deferred some, a copy for those back to the outbound queue ({@link RelayFollowUp});</li>
 *   <li>{@link #deadLetter} (routes/errors.xml, a mail's last attempt failed): to {@code mailgrid.dlq}
 *       with the reason ({@link MailErrors}).</li>
 * </ul>
 * Each publish carries the duplicate-detection id of its {@link Stage}. Afterwards the mail is
 * marked handed on ({@link CommitGuard}): only then may the transaction commit.
 *
 * <p>A first delivery publishes inside the route's transaction (through the {@code jms} component,
 * on the consumer's session), so receive and publish commit together (docs/adr/0001). A
 * <em>redelivered</em> mail is published outside it, on a session of its own (docs/adr/0011): an
 * earlier attempt's publish may have been committed although the mail came back (the broker
 * stopped or failed over during that commit). In the transaction, that publish's known
 * duplicate-detection id would make Artemis roll back every later attempt, and the mail would end
 * in the dead-letter queue although it was handed on. Outside it, the broker drops the duplicate
 * and the route's transaction only acknowledges.
 */
public final class Publish implements Processor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Publish.class);

    private final ConnectionFactory factory;
    private final RelayFollowUp followUps;
    private final MailErrors errors;
    private final String node;
    private final DeliveryStep deliverHere;
    private final Duration retention;
    private volatile QuarantineNotice notice;
    private final Map<String, AsyncProducer> producers = new ConcurrentHashMap<>();
    private JMSContext context;

    /**
     * @param factory   the node's connection factory, for publishing redelivered mails outside the transaction
     * @param followUps prepares the copies of a partly relayed mail
     * @param errors    prepares a dead letter
     * @param node        this node's name: CLEAN mail from its own mailbox may be delivered here
     * @param deliverHere the node's own delivery if it delivers each mail exactly once whatever the
     *                    attempt (a Maildir, docs/adr/0016), so the grabber may deliver in its own
     *                    transaction; {@code null} to send all CLEAN mail through the outbound queue
     * @param retention   how long the broker keeps a quarantined mail (its expiry, docs/adr/0041); zero = forever
     */
    public Publish(ConnectionFactory factory, RelayFollowUp followUps, MailErrors errors, String node,
            DeliveryStep deliverHere, Duration retention) {
        this.factory = factory;
        this.followUps = followUps;
        this.errors = errors;
        this.node = node;
        this.deliverHere = deliverHere;
        this.retention = retention;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        String taken = MailErrors.queueName(in);
        String mailbox = Queues.nodeOfMailbox(taken);
        String outbound = Queues.nodeOfOutbound(taken);
        if (mailbox != null) {
            if (Verdict.CLEAN.name().equals(in.getHeader(MailProperty.VERDICT))) {
                if (deliverHere != null && mailbox.equals(node)) {
                    // received here: deliver it in this transaction, saving the outbound queue's store,
                    // receive and commit. Any attempt may: the Maildir's record keeps one copy of a mail
                    // delivered by an attempt whose commit was lost, the fence stops a paused node
                    deliverHere.deliver(exchange);
                    exchange.setProperty(MailMetrics.DELIVERED_BY_GRABBER, true);
                } else {
                    // back to the node that received it (a mailbox only holds its own node's mail)
                    publish(exchange, Stage.OUTBOUND, Queues.outbound(mailbox));
                }
            } else {
                QuarantineNotice summary = notice;
                if (summary != null) {
                    // committed before the quarantine; a retried quarantine's summary has the same id,
                    // which the broker drops: one summary per quarantined mail (docs/adr/0041)
                    summary.quarantined(in.getHeaders(), in.getMandatoryBody(byte[].class));
                }
                publish(exchange, Stage.QUARANTINE, Queues.QUARANTINE);
                LOG.info("Mail {} quarantined: {}: {}", in.getHeader(MailProperty.MAIL_ID),
                        in.getHeader(MailProperty.VERDICT), in.getHeader(MailProperty.REASON));
            }
        } else if (outbound != null) {
            if (in.getHeader(MailProperty.REFUSED_RCPT) != null) {
                followUps.toDeadLetter(exchange);
                publish(exchange, Stage.RELAY_REFUSED, Queues.DLQ);
            }
            if (in.getHeader(MailProperty.DEFERRED_RCPT) != null) {
                followUps.toRetry(exchange);
                publish(exchange, Stage.RELAY_RETRY, taken);
            }
        } else {
            throw new IllegalStateException("publish: mail " + in.getHeader(MailProperty.MAIL_ID) + " was taken from "
                    + taken + ", neither a mailbox nor an outbound queue");
        }
        CommitGuard.handedOn(exchange);
    }

    /** Sends a summary of each mail quarantined from now on (mailgrid.quarantine.notify); {@code null} for none. */
    public void notifyQuarantine(QuarantineNotice summary) {
        this.notice = summary;
    }

    /** Moves the mail to {@code mailgrid.dlq} with the reason of the failure caught (errors.xml). */
    public void deadLetter(Exchange exchange) throws Exception {
        errors.prepareDeadLetter(exchange);
        publish(exchange, Stage.DLQ, Queues.DLQ);
        CommitGuard.handedOn(exchange);
    }

    private void publish(Exchange exchange, Stage stage, String queue) throws Exception {
        Message in = exchange.getMessage();
        MailMessage.stamp(stage, in.getHeaders());
        if (in.getHeader(MailProperty.DELIVERY_COUNT, 1, Integer.class) > 1) {
            publishOutsideTransaction(in, queue);
            return;
        }
        // the jms producer on the listener's thread uses the consumer's transacted session
        producer(exchange, queue).process(exchange);
        Exception failure = exchange.getException();
        if (failure != null) {
            exchange.setException(null);
            throw failure;
        }
    }

    /**
     * The jms producer for a queue, held by this step as a route holds its own: not a producer
     * template, which Camel refuses to run while it stops, when in-flight mails still finish.
     */
    private AsyncProducer producer(Exchange exchange, String queue) {
        return producers.computeIfAbsent(queue, name -> {
            try {
                long timeToLive = timeToLive(name);
                // the quarantine's retention is an expiry the broker enforces (docs/adr/0041)
                String uri = "jms:queue:" + name + (timeToLive > 0 ? "?explicitQosEnabled=true&timeToLive=" + timeToLive : "");
                AsyncProducer producer = exchange.getContext().getEndpoint(uri).createAsyncProducer();
                ServiceHelper.startService(producer);
                return producer;
            } catch (Exception e) {
                throw new RuntimeCamelException("cannot create the producer for " + name + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * A durable send on a session of its own that returns once the broker stored the mail, or
     * dropped it as a duplicate of an earlier attempt's committed publish. Either way exactly one
     * copy is there afterwards, and the route's transaction may acknowledge the mail. A crash before
     * that acknowledgement redelivers the mail, whose publish is then dropped as a duplicate.
     *
     * @throws RuntimeCamelException if the broker did not confirm (the route's transaction rolls back)
     */
    private synchronized void publishOutsideTransaction(Message in, String queue) {
        try {
            if (context == null) {
                context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
            }
            jakarta.jms.Message message = MailMessage.toMessage(context, in.getMandatoryBody(byte[].class), in.getHeaders());
            for (String origin : new String[] {MailProperty.ARTEMIS_ORIGINAL_ADDRESS, MailProperty.ARTEMIS_ORIGINAL_QUEUE}) {
                // a dead letter's way back for the broker's retry (MailErrors); not a property of the mail
                if (in.getHeader(origin) instanceof String value) {
                    message.setStringProperty(origin, value);
                }
            }
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).setTimeToLive(timeToLive(queue))
                    .send(context.createQueue(queue), message);
            LOG.info("Mail {} attempt {}: published to {} outside the transaction (the broker keeps one copy if an"
                    + " earlier attempt's publish was committed)", in.getHeader(MailProperty.MAIL_ID),
                    in.getHeader(MailProperty.DELIVERY_COUNT), queue);
        } catch (JMSException | JMSRuntimeException | InvalidPayloadException e) {
            closeContext(); // a context that failed may be broken: never reuse it
            throw new RuntimeCamelException("publish of redelivered mail " + in.getHeader(MailProperty.MAIL_ID) + " to "
                    + queue + " failed: " + e.getMessage(), e);
        }
    }

    /** Milliseconds a mail published to {@code queue} lives: the retention for the quarantine, else 0 (forever). */
    private long timeToLive(String queue) {
        return Queues.QUARANTINE.equals(queue) ? retention.toMillis() : 0;
    }

    @Override
    public synchronized void close() {
        closeContext();
        ServiceHelper.stopService(producers.values());
        producers.clear();
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
