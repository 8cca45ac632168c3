package io.mailgrid.cluster;

import jakarta.jms.JMSContext;

import org.apache.activemq.artemis.api.core.ActiveMQQueueExistsException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.jms.client.ActiveMQJMSContext;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;

import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;

/**
 * The status queue of the broker a client is connected to: a last-value queue (keyed by node) of its
 * own on the multicast status address, named after the broker's node id, which the broker's backup
 * takes over with its journal. A name of its own on every live broker of a cluster makes the cluster
 * copy each status to every broker; one name on all of them would share each status among them
 * (docs/adr/0030).
 */
final class StatusQueue {

    private StatusQueue() {
    }

    /** The status queue's name on the broker this management connection is on. */
    static String name(BrokerManagement management) throws Exception {
        return Queues.statusQueue(String.valueOf(management.attribute("broker", "nodeID")));
    }

    /** The status queue's name on the broker of this JMS context (asks the broker, over the context's own session). */
    static String name(JMSContext context) throws Exception {
        try (BrokerManagement management = BrokerManagement.over(coreSession(context))) {
            return name(management);
        }
    }

    /**
     * The status queue of the context's broker, created if it is not there yet (by the first node that
     * publishes a status to that broker); returns its name.
     */
    static String ensure(JMSContext context) throws Exception {
        String name = name(context);
        if (!exists(context, name)) {
            try {
                coreSession(context).createQueue(QueueConfiguration.of(name).setAddress(Queues.STATUS).setRoutingType(RoutingType.MULTICAST)
                        .setDurable(true).setLastValueKey(MailProperty.NODE).setNonDestructive(true));
            } catch (ActiveMQQueueExistsException raced) {
                // another node of this broker created it first
            }
        }
        return name;
    }

    /** Whether the queue exists on the context's broker. */
    static boolean exists(JMSContext context, String queue) throws Exception {
        return coreSession(context).queueQuery(SimpleString.of(queue)).isExists();
    }

    /** The fully qualified name ({@code address::queue}) a JMS browser takes. */
    static String fullyQualified(String queue) {
        return Queues.STATUS + "::" + queue;
    }

    private static ClientSession coreSession(JMSContext context) {
        if (context instanceof ActiveMQJMSContext artemis && artemis.getSession() instanceof ActiveMQSession session) {
            return session.getCoreSession();
        }
        throw new IllegalStateException("not an Artemis JMS context: " + context);
    }
}
