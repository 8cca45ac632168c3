package io.mailgrid.cluster;

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
    private JMSContext listening;

    public ControlChannel(ConnectionFactory factory) {
        this.factory = factory;
    }

    /** Records a command for a node (persistent; replaces the previous one). */
    public void send(String node, Command command) {
        NodeNames.requireValid(node);
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            TextMessage message = context.createTextMessage(JSON.writeValueAsString(command));
            message.setStringProperty(MailProperty.NODE, node);
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT)
                    .send(context.createQueue(Queues.CONTROL), message);
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
