package io.mailgrid.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Consumer;

import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.jms.client.ActiveMQJMSContext;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.BrokerDidNotTakeException;
import io.mailgrid.core.BrokerFault;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.ConnectionWatch;
import io.mailgrid.core.DetachedClose;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.NodeNames;
import io.mailgrid.core.Queues;
import io.mailgrid.core.SendDeadline;

/**
 * Heartbeats on the broker: published to the multicast address {@code mailgrid.heartbeat}
 * (every node subscribes) and to the multicast address {@code mailgrid.status}, whose last-value
 * queue on each broker ({@link StatusQueue}) keeps the latest one per node for nodes and commands
 * that start later; on a cluster of live brokers every broker's queue gets every node's status.
 *
 * <p>Publishing and listening use separate JMS contexts; a failed context is dropped and
 * recreated on the next call, so heartbeats resume by themselves after a broker restart.
 */
public final class HeartbeatChannel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatChannel.class);

    private final ConnectionFactory factory;
    private final Duration publishTimeout;
    private JMSContext publishing;
    /** Whether {@link #publishing}'s connection is up, to tell why a publish is late (docs/adr/0048). */
    private ConnectionWatch publishingWatch;
    private JMSContext listening;
    private volatile boolean publishFailing;

    /** A channel whose publish waits at most 30 s for the broker (commands; nodes give their heartbeat timeout). */
    public HeartbeatChannel(ConnectionFactory factory) {
        this(factory, SendDeadline.DEFAULT_TIMEOUT);
    }

    /**
     * @param publishTimeout how long one {@link #publish} may wait for the broker: a broker that holds
     *                       back new messages (its disk is full) would otherwise hold the publishing
     *                       thread (a node's start, its ticker, its stop) for good
     */
    public HeartbeatChannel(ConnectionFactory factory, Duration publishTimeout) {
        this.factory = factory;
        this.publishTimeout = publishTimeout;
    }

    /**
     * Sends a heartbeat: persistent to the status queue, then non-persistent to the multicast address.
     * The status first: once the (blocking) persistent send returns it is in the queue, so a node that
     * subscribed too late for the heartbeat finds the status when it reads the queue afterwards
     * ({@link ClusterAgent#start}).
     *
     * <p>A publish the broker does not take within the publish timeout is given up (the broker holds
     * back new messages, its disk being full): said once as an ERROR, and tried again with the next
     * heartbeat.
     */
    public synchronized void publish(Heartbeat heartbeat) {
        SendDeadline deadline = SendDeadline.start(publishTimeout);
        ConnectionWatch watch = publishing == null ? new ConnectionWatch() : publishingWatch;
        String what = "the status of " + heartbeat.node();
        try {
            if (!deadline.arm(watch::diagnose)) {
                throw new BrokerDidNotTakeException(BrokerFault.NO_ANSWER, what, publishTimeout, null);
            }
            if (publishing == null) {
                publishing = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                publishingWatch = watch.connected(publishing);
                ensureStatusQueue(publishing);
            }
            TextMessage beat = publishing.createTextMessage(heartbeat.withBroker(connectedBroker(publishing)).toJson());
            beat.setStringProperty(MailProperty.NODE, heartbeat.node());
            publishing.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT)
                    .send(publishing.createTopic(Queues.STATUS), beat);
            publishing.createProducer().setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                    .send(publishing.createTopic(Queues.HEARTBEAT), beat);
            if (deadline.disarm()) {
                throw new BrokerDidNotTakeException(deadline.fault(), what, publishTimeout, null);
            }
            if (publishFailing) {
                LOG.info("Heartbeats are published again");
                publishFailing = false;
            }
        } catch (Exception e) {
            BrokerFault fault = deadline.disarm() ? deadline.fault()
                    : e instanceof BrokerDidNotTakeException late ? late.fault() : null;
            if (!publishFailing && fault == BrokerFault.HELD_BACK) {
                LOG.error("The broker holds back this node's status and heartbeats: not taken within {} ms, most likely"
                        + " because the broker's disk is full (min-disk-free / max-disk-usage in broker.xml), else it does"
                        + " not answer. Peers cannot"
                        + " hear this node and no mail can be stored: free disk space on the broker (or lower"
                        + " mailgrid.broker.min-disk-free); trying again every heartbeat", publishTimeout.toMillis());
                publishFailing = true;
            } else if (!publishFailing && fault != null) {
                // down or silent, not full: sending the operator to free disk space would mislead
                LOG.error("The broker did not take this node's status and heartbeats within {} ms: {}. Peers cannot hear"
                        + " this node; trying again every heartbeat", publishTimeout.toMillis(),
                        fault == BrokerFault.UNREACHABLE ? "it cannot be reached" : "it did not answer in time");
                publishFailing = true;
            } else if (!publishFailing) {
                LOG.warn("Cannot publish heartbeat (will retry every interval): {}", e.getMessage());
                publishFailing = true;
            }
            if (publishing != null) {
                DetachedClose.of(publishing); // failed: its close may wait for a broker that is gone
            }
            publishing = null;
            publishingWatch = null;
        }
    }

    /**
     * Makes sure the broker's status queue exists before the first status reaches it (a status sent to
     * the address without a queue is gone). A broker whose configuration does not allow it (merged
     * before docs/adr/0030's amendment) still gets heartbeats: only late joiners miss the statuses.
     */
    private static void ensureStatusQueue(JMSContext context) {
        try {
            StatusQueue.ensure(context);
        } catch (Exception e) {
            LOG.warn("Cannot create this broker's status queue on {} (merge broker-config/broker.xml again): nodes and"
                    + " commands that start later will not learn of this node until they hear it: {}", Queues.STATUS,
                    e.getMessage());
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
        listen(listener, node -> { });
    }

    /**
     * Calls {@code listener} with every heartbeat published from now on, and {@code forgotten} with
     * the name of every node an operator forgets ({@link #publishForget}).
     */
    public synchronized void listen(Consumer<Heartbeat> listener, Consumer<String> forgotten) {
        listening = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
        listening.setExceptionListener(e -> LOG.warn("Heartbeat subscription lost: {}", e.getMessage()));
        listening.createConsumer(listening.createTopic(Queues.HEARTBEAT)).setMessageListener(message -> {
            try {
                if (message.propertyExists(MailProperty.FORGET) && message.getBooleanProperty(MailProperty.FORGET)) {
                    forgotten.accept(NodeNames.requireValid(message.getStringProperty(MailProperty.NODE)));
                } else {
                    listener.accept(Heartbeat.fromJson(((TextMessage) message).getText()));
                }
            } catch (JMSException | RuntimeException e) {
                LOG.warn("Ignoring unreadable heartbeat: {}", e.getMessage());
            }
        });
    }

    /**
     * Tells every listening node to forget {@code node} at once (it comes back with its next heartbeat),
     * and replaces its entry in every broker's status queue with a forgotten mark, which readers skip:
     * on a cluster, the status queues of the other brokers hold the node too.
     */
    public synchronized void publishForget(String node, String requestedBy) {
        publishForget(node, requestedBy, SendDeadline.DEFAULT_TIMEOUT);
    }

    /**
     * As {@link #publishForget(String, String)}, waiting at most {@code sendTimeout} for the broker
     * ({@code mailgrid.broker.send-timeout}).
     *
     * @throws io.mailgrid.core.BrokerDidNotTakeException if the broker did not take it in time (its disk
     *         is full, it cannot be reached or does not answer): nothing was sent
     */
    public synchronized void publishForget(String node, String requestedBy, Duration sendTimeout) {
        NodeNames.requireValid(node);
        try (JMSContext context = factory.createContext(JMSContext.SESSION_TRANSACTED)) {
            TextMessage message = context.createTextMessage("forget " + node + " (requested by " + requestedBy + ")");
            message.setStringProperty(MailProperty.NODE, node);
            message.setBooleanProperty(MailProperty.FORGET, true);
            // in a transaction, so sends abandoned at the deadline are never delivered
            SendDeadline.sendThenCommit(context, sendTimeout, "the forget announcement for node " + node, () -> {
                context.createProducer().setDeliveryMode(DeliveryMode.NON_PERSISTENT)
                        .send(context.createTopic(Queues.HEARTBEAT), message);
                context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT)
                        .send(context.createTopic(Queues.STATUS), message);
            });
        } catch (JMSException e) {
            throw new JMSRuntimeException("cannot announce that " + node + " is forgotten: " + e.getMessage());
        }
    }

    /**
     * Removes a node's entry from the status queue of the management connection's broker (a last-value
     * queue that browsing never empties: only a management call removes a message from it). Returns
     * how many entries went (0 or 1).
     */
    public static int removeStatus(BrokerManagement management, String node) throws Exception {
        Object removed = management.invoke("queue." + StatusQueue.name(management), "removeMessages",
                MailProperty.NODE + " = '" + NodeNames.requireValid(node) + "'");
        return removed instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(removed));
    }

    /**
     * The broker this context's connection is on, as host:port (its remote address), or null when
     * the client cannot tell: on a cluster of live brokers status shows which broker each node is on.
     */
    static String connectedBroker(JMSContext context) {
        try {
            if (context instanceof ActiveMQJMSContext artemis && artemis.getSession() instanceof ActiveMQSession session) {
                String remote = session.getCoreSession().getSessionFactory().getConnection().getRemoteAddress();
                // "/127.0.0.1:61616" or "host/10.0.0.5:61616": the address after the slash
                return remote == null ? null : remote.substring(remote.lastIndexOf('/') + 1);
            }
        } catch (RuntimeException e) {
            LOG.debug("Cannot tell which broker the heartbeat connection is on: {}", e.getMessage());
        }
        return null;
    }

    /** One node's latest status and how old it is. */
    public record Status(Heartbeat heartbeat, Duration age) {
    }

    /**
     * The latest heartbeat of every node that ever sent one (and was not forgotten), from the status
     * queue of the factory's broker; none while no node has published there yet.
     */
    public static List<Status> readStatus(ConnectionFactory factory, Instant now) {
        List<Status> statuses = new ArrayList<>();
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            String queue = StatusQueue.name(context);
            if (!StatusQueue.exists(context, queue)) {
                return statuses;
            }
            try (QueueBrowser browser = context.createBrowser(context.createQueue(StatusQueue.fullyQualified(queue)))) {
                for (Message message : Collections.list((Enumeration<Message>) browser.getEnumeration())) {
                    if (message.propertyExists(MailProperty.FORGET) && message.getBooleanProperty(MailProperty.FORGET)) {
                        continue;
                    }
                    try {
                        Heartbeat beat = Heartbeat.fromJson(((TextMessage) message).getText());
                        statuses.add(new Status(beat, Duration.ofMillis(Math.max(0, now.toEpochMilli() - beat.sentAt()))));
                    } catch (RuntimeException e) {
                        LOG.warn("Ignoring unreadable status message: {}", e.getMessage());
                    }
                }
            }
        } catch (JMSRuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new JMSRuntimeException("cannot browse the status queue of " + Queues.STATUS + ": " + e.getMessage());
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
