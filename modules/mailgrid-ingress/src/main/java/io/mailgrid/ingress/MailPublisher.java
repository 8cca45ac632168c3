package io.mailgrid.ingress;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Message;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.BrokerFault;
import io.mailgrid.core.ConnectionWatch;
import io.mailgrid.core.DetachedClose;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailMessage;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;
import io.mailgrid.core.RequiredChecks;
import io.mailgrid.core.SendDeadline;
import io.mailgrid.core.Stage;

/**
 * Publishes received mail to its origin node's mailbox: the one way mail enters the broker.
 *
 * <p>Each publish is one local transaction that returns only once the broker has committed it, so
 * a caller may confirm the mail to its sender when {@link #publish} returns. The mail carries the
 * duplicate-detection id of the mailbox stage; a mail received over SMTP with a Message-ID also
 * sends, in the same transaction, its {@link ResendKey} to {@link Queues#RESEND_KEYS}. Artemis
 * refuses to commit a transaction holding an id it has seen: the mail is then already stored
 * (an earlier receipt of it, on any node, or this publish's first try), nothing is stored again,
 * and the outcome says so (docs/adr/0013). The mail also carries the checks its origin node
 * requires ({@link RequiredChecks}), which no grabber without them takes.
 *
 * <p>A body of 100 KiB or more (Artemis's large-message threshold) is streamed to the broker from
 * {@link MailBody#open()} in 100 KiB chunks instead of being copied into the JMS message first,
 * so the publisher adds no second copy of a large mail to the heap.
 *
 * <p>Thread-safe: JMS contexts are pooled, one per concurrent caller. A pooled context that fails
 * is dropped and the publish is tried once more on a new one, so a broker restart costs no mail a
 * spurious failure when the factory does not reconnect by itself; if both tries reached the broker,
 * the second is refused as a duplicate and reported as already stored.
 *
 * <p>A publish waits for the broker at most {@code mailgrid.broker.send-timeout}
 * ({@link SendDeadline}): a broker whose disk is full withholds the credits a send needs, and
 * Artemis's client would wait for them without end. Past the deadline the publish is abandoned
 * before its commit, nothing is stored, and the exception says why, as far as the client can tell
 * (docs/adr/0048): {@link PublishHeldBackException} when the send waited for credits on a live
 * connection (the broker holds mail back), {@link PublishUnavailableException} when the connection
 * could not be made or was lost ({@link ConnectionWatch}), or for anything else that kept the broker
 * from answering. A connection that fails before the deadline ends the publish at once with
 * {@link PublishUnavailableException} too. The commit itself is not cut short: a commit that fails
 * keeps the outcome described above (a plain {@link PublishException}: whether it was stored is not
 * known).
 */
public final class MailPublisher implements AutoCloseable {

    /** What became of a publish. */
    public enum Outcome {
        /** The broker stored the mail. */
        STORED,
        /** The broker already had this mail (same resend key or mailbox id); nothing was stored again. */
        ALREADY_STORED
    }

    private static final Logger LOG = LoggerFactory.getLogger(MailPublisher.class);

    /** Artemis's property that makes the client stream a message body from an InputStream. */
    private static final String BODY_STREAM = "JMS_AMQ_InputStream";
    private static final int STREAM_FROM = ActiveMQClient.DEFAULT_MIN_LARGE_MESSAGE_SIZE;
    private static final long RESEND_KEYS_RECHECK_NANOS = 300_000_000_000L;

    private final ConnectionFactory factory;
    private final RequiredChecks required;
    private final Duration publishTimeout;
    private final BlockingQueue<Pooled> idle = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    /** Told of every mail the broker stored (the node's metrics count accepted mail). */
    private volatile java.util.function.Consumer<Envelope> stored = envelope -> { };
    /** When a publish last found {@link Queues#RESEND_KEYS} missing (System.nanoTime), or null. */
    private volatile Long resendKeysMissingSince;

    /** A context kept for the next publish, with what tells whether its connection is still up. */
    private record Pooled(JMSContext context, ConnectionWatch watch) {
    }

    /** A publisher whose mails carry no required checks (tests and tools; ingress uses the other constructor). */
    public MailPublisher(ConnectionFactory factory) {
        this(factory, null, SendDeadline.DEFAULT_TIMEOUT);
    }

    /** A publisher waiting at most {@link SendDeadline#DEFAULT_TIMEOUT} for the broker (tools and tests). */
    public MailPublisher(ConnectionFactory factory, RequiredChecks required) {
        this(factory, required, SendDeadline.DEFAULT_TIMEOUT);
    }

    /**
     * @param factory        connections to the broker
     * @param required       the checks the origin node requires of every mail it publishes, or null for none stamped
     * @param publishTimeout how long one publish may wait for the broker before it is abandoned uncommitted
     *                       ({@link SendDeadline#timeout})
     */
    public MailPublisher(ConnectionFactory factory, RequiredChecks required, Duration publishTimeout) {
        if (publishTimeout.isZero() || publishTimeout.isNegative()) {
            throw new IllegalArgumentException("publish timeout must be longer than 0, got " + publishTimeout);
        }
        this.factory = factory;
        this.required = required;
        this.publishTimeout = publishTimeout;
    }

    /**
     * Publishes one mail to {@code mailgrid.mailbox.<origin>} (pickup, submit: no resend key).
     *
     * @throws PublishException if the broker did not confirm that it stored the mail
     */
    public void publish(Envelope envelope, byte[] body) throws PublishException {
        publish(envelope, MailBody.of(body), Optional.empty());
    }

    /**
     * Publishes one mail to {@code mailgrid.mailbox.<origin>}, with its resend key when it has one.
     *
     * @return whether the broker stored it now or already had it
     * @throws PublishHeldBackException if the broker held it back past the publish timeout: nothing stored
     * @throws PublishUnavailableException if the broker could not be reached, or did not answer within the
     *         publish timeout: nothing stored
     * @throws PublishException if the broker did not confirm either
     */
    public Outcome publish(Envelope envelope, MailBody body, Optional<String> resendKey) throws PublishException {
        Long missingSince = resendKeysMissingSince;
        if (missingSince != null) {
            if (System.nanoTime() - missingSince < RESEND_KEYS_RECHECK_NANOS) {
                resendKey = Optional.empty();
            } else {
                resendKeysMissingSince = null; // the broker's configuration may have been updated meanwhile
            }
        }
        if (closed) {
            throw new PublishException("publisher is closed (node stopping)", null);
        }
        SendDeadline deadline = SendDeadline.start(publishTimeout);
        Pooled pooled = idle.poll();
        if (pooled != null && pooled.watch().lost()) {
            DetachedClose.of(pooled.context()); // its connection failed while idle: nothing to wait for on it
            pooled = null;
        }
        Outcome outcome = null;
        if (pooled != null) {
            try {
                outcome = send(pooled, envelope, body, resendKey, deadline);
            } catch (PublishException e) {
                if (deadline.passed()) {
                    throw e; // the time is up: a second try would wait as long again
                }
                // the pooled context's connection may have died while idle (broker restarted): try once
                // more on a fresh one; if both reached the broker, the second is refused as a duplicate
            }
        }
        if (outcome == null) {
            outcome = send(null, envelope, body, resendKey, deadline);
        }
        if (outcome == Outcome.STORED) {
            stored.accept(envelope);
        }
        return outcome;
    }

    /** Calls {@code listener} with the envelope of every mail the broker stored from now on. */
    public void onStored(java.util.function.Consumer<Envelope> listener) {
        this.stored = listener;
    }

    private Outcome send(Pooled reuse, Envelope envelope, MailBody body, Optional<String> resendKey,
            SendDeadline deadline) throws PublishException {
        JMSContext context = reuse == null ? null : reuse.context();
        // a new one counts as unreachable until its connection is made: a deadline that passes while connecting says so
        ConnectionWatch watch = reuse == null ? new ConnectionWatch() : reuse.watch();
        boolean committing = false;
        if (!deadline.arm(watch::diagnose)) {
            if (context != null) {
                DetachedClose.of(context);
            }
            throw late(envelope, deadline, null);
        }
        try {
            if (context == null) {
                context = factory.createContext(JMSContext.SESSION_TRANSACTED);
                watch.connected(context);
            }
            JMSProducer producer = context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
            if (resendKey.isPresent()) {
                // a known key makes the broker refuse the whole transaction at commit: the mail is stored once
                Message marker = context.createMessage();
                marker.setStringProperty(MailProperty.DUPLICATE_ID, resendKey.get());
                marker.setStringProperty(MailProperty.MAIL_ID, envelope.mailId());
                marker.setStringProperty(MailProperty.ORIGIN, envelope.origin());
                try {
                    producer.send(context.createTopic(Queues.RESEND_KEYS), marker);
                } catch (InvalidDestinationRuntimeException | JMSSecurityRuntimeException e) {
                    // a broker whose configuration predates the address (JMS then tries to create it, which
                    // the node may not): mail must still flow, without resend recognition for a while
                    resendKeysMissingSince = System.nanoTime();
                    LOG.warn("Cannot send to {} ({}): resent mail is not recognised and may be delivered twice;"
                            + " update the broker's broker.xml (./mailgrid merge-broker-config). Trying again in 5 minutes",
                            Queues.RESEND_KEYS, e.getMessage());
                    deadline.disarm();
                    closeQuietly(context);
                    context = null;
                    return send(null, envelope, body, Optional.empty(), deadline);
                }
            }
            BytesMessage message = context.createBytesMessage();
            MailMessage.write(envelope, Stage.MAILBOX, message);
            if (required != null) {
                message.setStringProperty(MailProperty.REQUIRED_CHECKS, required.encode());
            }
            resendKey.ifPresent(key -> setProperty(message, MailProperty.RESEND_KEY, key));
            InputStream stream = body.open();
            if (body.length() >= STREAM_FROM) {
                message.setObjectProperty(BODY_STREAM, stream);
            } else {
                message.writeBytes(stream.readAllBytes());
            }
            producer.send(context.createQueue(Queues.mailbox(envelope.origin())), message);
            if (deadline.disarm()) {
                // the sends finished, but past the deadline (an interrupt not heeded): never commit late
                throw late(envelope, deadline, null);
            }
            committing = true;
            Outcome outcome = commit(context);
            idle.offer(new Pooled(context, watch));
            context = null;
            return outcome;
        } catch (JMSException | JMSRuntimeException | IOException e) {
            if (deadline.disarm()) {
                throw late(envelope, deadline, e);
            }
            if (!committing && watch.failedBy(e)) {
                // before the commit nothing is stored: the connection's failure is the whole story
                throw new PublishUnavailableException(envelope.mailId(), e);
            }
            throw new PublishException("broker did not accept mail " + envelope.mailId() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // Artemis's client reports an interrupted wait for credits as its own unchecked exception
            if (deadline.disarm()) {
                throw late(envelope, deadline, e);
            }
            throw e;
        } finally {
            deadline.disarm(); // before the close, which must not meet this deadline's interrupt
            if (context != null) {
                // a context that failed may be broken: never reuse it, never wait for its close
                DetachedClose.of(context);
            }
        }
    }

    /** The publish abandoned at its deadline, as what the send was waiting for then. */
    private PublishException late(Envelope envelope, SendDeadline deadline, Throwable cause) {
        BrokerFault fault = deadline.fault();
        if (fault == BrokerFault.HELD_BACK) {
            return new PublishHeldBackException(envelope.mailId(), publishTimeout, cause);
        }
        return new PublishUnavailableException(fault, envelope.mailId(), publishTimeout, cause);
    }

    /** Commits; a transaction refused for a known duplicate-detection id means the mail is already stored. */
    private static Outcome commit(JMSContext context) {
        try {
            context.commit();
            return Outcome.STORED;
        } catch (JMSRuntimeException e) {
            if (isDuplicate(e)) {
                return Outcome.ALREADY_STORED;
            }
            throw e;
        }
    }

    private static boolean isDuplicate(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ActiveMQException artemis && artemis.getType() == ActiveMQExceptionType.DUPLICATE_ID_REJECTED) {
                return true;
            }
        }
        return false;
    }

    private static void setProperty(Message message, String name, String value) {
        try {
            message.setStringProperty(name, value);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        Pooled pooled;
        while ((pooled = idle.poll()) != null) {
            if (pooled.watch().lost()) {
                DetachedClose.of(pooled.context()); // a stop must not wait for a broker that is gone
            } else {
                closeQuietly(pooled.context());
            }
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
