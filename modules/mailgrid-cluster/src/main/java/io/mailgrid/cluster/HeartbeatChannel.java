package io.mailgrid.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Consumer;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;

/**
 * Heartbeats on the broker: published to the multicast address {@code mailgrid.heartbeat}
 * (every node subscribes) and to the last-value queue {@code mailgrid.status} (the latest one per
 * node, kept for nodes and commands that start later).
 *
 * <p>Publishing and listening use separate JMS contexts; a failed context is dropped and
 * recreated on the next call, so heartbeats resume by themselves after a broker restart.
 */
public final class HeartbeatChannel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatChannel.class);

    private final ConnectionFactory factory;
    private JMSContext publishing;
    private JMSContext listening;
    private volatile boolean publishFailing;

    public HeartbeatChannel(ConnectionFactory factory) {
        this.factory = factory;
    }

    /** Sends a heartbeat: non-persistent to the multicast address, persistent to the status queue. */
    public synchronized void publish(Heartbeat heartbeat) {
        try {
            if (publishing == null) {
                publishing = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
            }
            TextMessage beat = publishing.createTextMessage(heartbeat.toJson());
            beat.setStringProperty(MailProperty.NODE, heartbeat.node());
            publishing.createProducer().setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                    .send(publishing.createTopic(Queues.HEARTBEAT), beat);
            publishing.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT)
                    .send(publishing.createQueue(Queues.STATUS), beat);
            if (publishFailing) {
                LOG.info("Heartbeats are published again");
                publishFailing = false;
            }
        } catch (JMSException | JMSRuntimeException e) {
            if (!publishFailing) {
                LOG.warn("Cannot publish heartbeat (will retry every interval): {}", e.getMessage());
                publishFailing = true;
            }
            closeQuietly(publishing);
            publishing = null;
        }
    }

    /** Sends a last heartbeat only if a connection is already open: never waits for a broker (used when stopping). */
    public synchronized void publishIfConnected(Heartbeat heartbeat) {
        if (publishing != null) {
            publish(heartbeat);
        }
    }

    /**
     * Calls the listener with every heartbeat published from now on (including this node's own).
     * Heartbeats that cannot be read are logged and skipped.
     */
    public synchronized void listen(Consumer<Heartbeat> listener) {
        listening = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
        listening.setExceptionListener(e -> LOG.warn("Heartbeat subscription lost: {}", e.getMessage()));
        listening.createConsumer(listening.createTopic(Queues.HEARTBEAT)).setMessageListener(message -> {
            try {
                listener.accept(Heartbeat.fromJson(((TextMessage) message).getText()));
            } catch (JMSException | RuntimeException e) {
                LOG.warn("Ignoring unreadable heartbeat: {}", e.getMessage());
            }
        });
    }

    /** One node's latest status and how old it is. */
    public record Status(Heartbeat heartbeat, Duration age) {
    }

    /** The latest heartbeat of every node that ever sent one, from the last-value queue. */
    public static List<Status> readStatus(ConnectionFactory factory, Instant now) {
        List<Status> statuses = new ArrayList<>();
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                QueueBrowser browser = context.createBrowser(context.createQueue(Queues.STATUS))) {
            for (Message message : Collections.list((Enumeration<Message>) browser.getEnumeration())) {
                try {
                    Heartbeat beat = Heartbeat.fromJson(((TextMessage) message).getText());
                    statuses.add(new Status(beat, Duration.ofMillis(Math.max(0, now.toEpochMilli() - beat.sentAt()))));
                } catch (RuntimeException e) {
                    LOG.warn("Ignoring unreadable status message: {}", e.getMessage());
                }
            }
        } catch (JMSException e) {
            throw new JMSRuntimeException("cannot browse " + Queues.STATUS + ": " + e.getMessage());
        }
        statuses.sort((x, y) -> x.heartbeat().node().compareTo(y.heartbeat().node()));
        return statuses;
    }

    @Override
    public synchronized void close() {
        closeQuietly(listening);
        closeQuietly(publishing);
        listening = null;
        publishing = null;
    }

    private static void closeQuietly(JMSContext context) {
        if (context != null) {
            try {
                context.close();
            } catch (RuntimeException ignored) {
                // best effort on a broken context
            }
        }
    }
}
