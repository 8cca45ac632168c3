package io.mailgrid.ingress;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;
import io.mailgrid.core.RequiredChecks;
import io.mailgrid.core.Stage;

/**
 * Publishes received mail to its origin node's mailbox: the one way mail enters the broker.
 *
 * <p>Each publish is a persistent, non-transacted send that returns only once the broker has
 * stored the mail (the connection factory blocks on durable sends), so a caller may confirm the
 * mail to its sender when {@link #publish} returns. The message carries the duplicate-detection
 * id of the mailbox stage, so a publish retried after a lost reply cannot make a second copy, and
 * the checks its origin node requires ({@link RequiredChecks}), which no grabber without them takes.
 *
 * <p>Thread-safe: JMS contexts are pooled, one per concurrent caller. A pooled context that fails
 * is dropped and the send is tried once more on a new one, so a broker restart costs no mail a
 * spurious failure when the factory does not reconnect by itself.
 */
public final class MailPublisher implements AutoCloseable {

    private final ConnectionFactory factory;
    private final RequiredChecks required;
    private final BlockingQueue<JMSContext> idle = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    /** A publisher whose mails carry no required checks (tests and tools; ingress uses the other constructor). */
    public MailPublisher(ConnectionFactory factory) {
        this(factory, null);
    }

    /**
     * @param factory  connections to the broker
     * @param required the checks the origin node requires of every mail it publishes, or null for none stamped
     */
    public MailPublisher(ConnectionFactory factory, RequiredChecks required) {
        this.factory = factory;
        this.required = required;
    }

    /**
     * Publishes one mail to {@code mailgrid.mailbox.<origin>}.
     *
     * @throws PublishException if the broker did not confirm that it stored the mail
     */
    public void publish(Envelope envelope, byte[] body) throws PublishException {
        if (closed) {
            throw new PublishException("publisher is closed (node stopping)", null);
        }
        JMSContext pooled = idle.poll();
        if (pooled != null) {
            try {
                send(pooled, envelope, body);
                return;
            } catch (PublishException e) {
                // the pooled context's connection may have died while idle (broker restarted):
                // try once more on a fresh one; the duplicate-detection id keeps one copy if both arrived
            }
        }
        send(null, envelope, body);
    }

    private void send(JMSContext reuse, Envelope envelope, byte[] body) throws PublishException {
        JMSContext context = reuse;
        try {
            if (context == null) {
                context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
            }
            BytesMessage message = context.createBytesMessage();
            message.writeBytes(body);
            envelope.writeTo(message);
            if (required != null) {
                message.setStringProperty(MailProperty.REQUIRED_CHECKS, required.encode());
            }
            message.setStringProperty(MailProperty.DUPLICATE_ID,
                    Stage.MAILBOX.duplicateId(envelope.mailId(), envelope.generation()));
            context.createProducer()
                    .setDeliveryMode(DeliveryMode.PERSISTENT)
                    .send(context.createQueue(Queues.mailbox(envelope.origin())), message);
            idle.offer(context);
            context = null;
        } catch (JMSException | JMSRuntimeException e) {
            throw new PublishException("broker did not accept mail " + envelope.mailId() + ": " + e.getMessage(), e);
        } finally {
            if (context != null) {
                closeQuietly(context); // a context that failed may be broken: never reuse it
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        JMSContext context;
        while ((context = idle.poll()) != null) {
            closeQuietly(context);
        }
    }

    private static void closeQuietly(JMSContext context) {
        try {
            context.close();
        } catch (RuntimeException ignored) {
            // closing a broken context is best effort
        }
    }
}
