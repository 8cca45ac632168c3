package io.mailgrid.testing;

import java.util.UUID;

import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.api.core.management.ManagementHelper;
import org.apache.activemq.artemis.core.client.impl.ClientMessageImpl;

import io.mailgrid.core.Queues;

/**
 * Tries one broker management operation with a given login, the way {@code artemis user add} and
 * {@code mailgrid status} send them (a message to {@code activemq.management}, the reply on a
 * temporary queue under {@code mailgrid.tmp.}), and says whether the broker did it.
 */
public final class ManagementProbe {

    private ManagementProbe() {
    }

    /**
     * @param url       broker URL; without {@code initialConnectAttempts} it gets one attempt, no reconnect
     * @param resource  e.g. {@code broker} or {@code queue.mailgrid.dlq}
     * @param operation a method of that resource, e.g. {@code addUser} or {@code getMessageCount}
     * @return true if the broker ran it; false if the login was refused at any step or the operation failed
     */
    public static boolean allowed(String url, String user, String password, String resource, String operation,
            Object... parameters) throws Exception {
        String shortUrl = url.contains("initialConnectAttempts") ? url
                : url + (url.contains("?") ? "&" : "?") + "initialConnectAttempts=1&reconnectAttempts=0";
        try (ServerLocator locator = ActiveMQClient.createServerLocator(shortUrl);
                ClientSessionFactory sessions = locator.createSessionFactory();
                ClientSession session = sessions.createSession(user, password, false, true, true, false, 0)) {
            String replies = Queues.TEMPORARY_PREFIX + UUID.randomUUID();
            session.createQueue(QueueConfiguration.of(replies).setRoutingType(RoutingType.ANYCAST).setDurable(false)
                    .setTemporary(true));
            try (ClientProducer requests = session.createProducer("activemq.management");
                    ClientConsumer consumer = session.createConsumer(replies)) {
                session.start();
                ClientMessage request = session.createMessage(false);
                ManagementHelper.putOperationInvocation(request, resource, operation, parameters);
                request.putStringProperty(ClientMessageImpl.REPLYTO_HEADER_NAME, replies);
                requests.send(request);
                ClientMessage reply = consumer.receive(10_000);
                if (reply == null) {
                    throw new IllegalStateException("no management reply to " + resource + "." + operation + " within 10 s");
                }
                return ManagementHelper.hasOperationSucceeded(reply);
            }
        } catch (ActiveMQSecurityException e) {
            return false;
        }
    }
}
