package io.mailgrid.cluster;

import java.time.Duration;
import java.util.function.Consumer;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.MailProperty;
import io.mailgrid.core.NodeNames;
import io.mailgrid.core.Queues;
import io.mailgrid.core.SendDeadline;

/**
 * Operator commands to one node, through the last-value queue {@code mailgrid.control}: the
 * latest command per node stays there, so a node that restarts comes back in the mode last asked
 * for (maintenance stays on across a restart until someone turns it off).
 */
public final class ControlChannel implements AutoCloseable {

    /**
     * A command.
     *
     * @param maintenance true to stop grabbing, false to resume
     * @param requestedBy who asked (user@host), for the log
     * @param at          when, epoch milliseconds
     */
    public record Command(boolean maintenance, String requestedBy, long at) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ControlChannel.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final ConnectionFactory factory;
    private final Duration sendTimeout;
    private JMSContext listening;

    /** A channel that only listens, or sends waiting at most 30 s for the broker. */
    public ControlChannel(ConnectionFactory factory) {
        this(factory, SendDeadline.DEFAULT_TIMEOUT);
    }

    /**
     * @param sendTimeout how long {@link #send} waits for the broker to take the command
     *                    ({@code mailgrid.broker.send-timeout})
     */
    public ControlChannel(ConnectionFactory factory, Duration sendTimeout) {
        this.factory = factory;
        this.sendTimeout = sendTimeout;
    }

    /**
     * Records a command for a node (persistent; replaces the previous one).
     *
     * @throws io.mailgrid.core.BrokerDidNotTakeException if the broker did not take it within the send
     *         timeout (its disk is full, it cannot be reached or does not answer): nothing was stored
     */
    public void send(String node, Command command) {
        NodeNames.requireValid(node);
        try (JMSContext context = factory.createContext(JMSContext.SESSION_TRANSACTED)) {
            TextMessage message = context.createTextMessage(JSON.writeValueAsString(command));
            message.setStringProperty(MailProperty.NODE, node);
            // in a transaction, so a send abandoned at the deadline is never stored
            SendDeadline.sendThenCommit(context, sendTimeout, "the maintenance command for node " + node,
                    () -> context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT)
                            .send(context.createQueue(Queues.CONTROL), message));
        } catch (JMSException | JsonProcessingException e) {
            throw new IllegalStateException("cannot send the command to " + node + ": " + e.getMessage(), e);
        }
    }

    /** Calls the listener with the node's current command (if any) and every later one. */
    public synchronized void listen(String node, Consumer<Command> listener) {
        NodeNames.requireValid(node);
        listening = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
        listening.setExceptionListener(e -> LOG.warn("Control subscription lost: {}", e.getMessage()));
        String selector = MailProperty.NODE + " = '" + node + "'";
        listening.createConsumer(listening.createQueue(Queues.CONTROL), selector).setMessageListener(message -> {
            try {
                listener.accept(JSON.readValue(((TextMessage) message).getText(), Command.class));
            } catch (JMSException | JsonProcessingException | RuntimeException e) {
                LOG.warn("Ignoring unreadable control message: {}", e.getMessage());
            }
        });
    }

    @Override
    public synchronized void close() {
        if (listening != null) {
            try {
                listening.close();
            } catch (RuntimeException ignored) {
                // best effort on a broken context
            }
            listening = null;
        }
    }
}
