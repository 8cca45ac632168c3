package io.mailgrid.core;

import java.time.Duration;
import java.util.UUID;

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

/**
 * Asks the broker about its queues through Artemis management messages (request/reply on
 * {@code activemq.management}); works the same against the embedded broker and the official
 * distribution.
 *
 * <p>The reply queue is a temporary queue under {@code mailgrid.tmp.}, so the operator's role needs
 * no permission outside Mailgrid's addresses besides {@code manage} on the management address.
 */
public final class BrokerManagement implements AutoCloseable {

    private static final String MANAGEMENT_ADDRESS = "activemq.management";

    private final ServerLocator locator;
    private final ClientSessionFactory sessions;
    private final ClientSession session;
    private final ClientProducer requests;
    private final ClientConsumer replies;
    private final String replyQueue;
    private final Duration timeout;

    private BrokerManagement(ServerLocator locator, ClientSessionFactory sessions, ClientSession session,
            String replyQueue, Duration timeout) throws Exception {
        this.locator = locator;
        this.sessions = sessions;
        this.session = session;
        this.replyQueue = replyQueue;
        this.timeout = timeout;
        session.createQueue(QueueConfiguration.of(replyQueue).setRoutingType(RoutingType.ANYCAST)
                .setDurable(false).setTemporary(true));
        this.requests = session.createProducer(MANAGEMENT_ADDRESS);
        this.replies = session.createConsumer(replyQueue);
        session.start();
    }

    /**
     * Management requests over a session someone else owns (a JMS context's, with its login):
     * {@link #close()} removes only the reply queue, the session stays open.
     */
    public static BrokerManagement over(ClientSession session) throws Exception {
        return new BrokerManagement(null, null, session, Queues.TEMPORARY_PREFIX + UUID.randomUUID(), Duration.ofSeconds(10));
    }

    /** Connects with the operator's login (the command line's) to the configured (or embedded) broker. */
    public static BrokerManagement connect(MailgridConfig config) throws BrokerUnavailableException {
        return connect(config, BrokerLogin.OPERATOR);
    }

    /**
     * Connects with this login. Only the operator's role may read management, and only what
     * {@code mailgrid status} shows (broker.xml, management-message-rbac).
     */
    public static BrokerManagement connect(MailgridConfig config, BrokerLogin login) throws BrokerUnavailableException {
        String url = BrokerConnection.url(config);
        String connection = BrokerConnection.checkedConnectionUrl(config, login);
        ServerLocator locator = null;
        ClientSessionFactory sessions = null;
        try {
            locator = ActiveMQClient.createServerLocator(connection);
            // the broker named in the URL, not another member of its cluster (docs/adr/0030)
            locator.setReconnectAttempts(0).setInitialConnectAttempts(3).setRetryInterval(300)
                    .setUseTopologyForLoadBalancing(false);
            sessions = locator.createSessionFactory();
            ClientSession session = sessions.createSession(login.user(config), login.password(config), false, true, true, false, 0);
            return new BrokerManagement(locator, sessions, session, Queues.TEMPORARY_PREFIX + UUID.randomUUID(),
                    Duration.ofSeconds(10));
        } catch (Exception e) {
            if (sessions != null) {
                sessions.close();
            }
            if (locator != null) {
                locator.close();
            }
            throw new BrokerUnavailableException("cannot reach the broker at " + url + ": " + e.getMessage(), e);
        }
    }

    /** Reads an attribute of a management resource ("broker", "queue.mailgrid.dlq", ...). */
    public Object attribute(String resource, String attribute) throws Exception {
        ClientMessage request = session.createMessage(false);
        ManagementHelper.putAttribute(request, resource, attribute);
        return call(request, resource + "." + attribute);
    }

    /** Invokes an operation on a management resource. */
    public Object invoke(String resource, String operation, Object... parameters) throws Exception {
        ClientMessage request = session.createMessage(false);
        ManagementHelper.putOperationInvocation(request, resource, operation, parameters);
        return call(request, resource + "." + operation);
    }

    private synchronized Object call(ClientMessage request, String what) throws Exception {
        request.putStringProperty(ClientMessageImpl.REPLYTO_HEADER_NAME, replyQueue);
        requests.send(request);
        ClientMessage reply = replies.receive(timeout.toMillis());
        if (reply == null) {
            throw new BrokerUnavailableException("no management reply for " + what + " within " + timeout.toSeconds() + " s", null);
        }
        reply.acknowledge();
        Object result = ManagementHelper.getResult(reply);
        if (!ManagementHelper.hasOperationSucceeded(reply)) {
            throw new IllegalStateException("management call " + what + " failed: " + result);
        }
        return result;
    }

    @Override
    public void close() {
        if (sessions == null) {
            try {
                replies.close();
                requests.close();
                session.deleteQueue(replyQueue);
            } catch (Exception ignored) {
                // the temporary reply queue also goes with the session
            }
            return;
        }
        try {
            session.close();
        } catch (Exception ignored) {
            // closing a broken session is best effort
        }
        sessions.close();
        locator.close();
    }
}
