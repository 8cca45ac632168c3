package io.mailgrid.web;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;

import org.apache.activemq.artemis.api.core.client.FailoverEventType;
import org.apache.activemq.artemis.jms.client.ActiveMQConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the node reaches its broker, as Artemis itself reports it: one idle connection on the
 * node's own connection factory (same URL, same reconnect settings as the routes), down from the
 * moment Artemis detects a failure until it has reconnected or failed over.
 */
public final class BrokerLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerLink.class);

    private final Connection connection;
    private volatile boolean connected = true;

    private BrokerLink(Connection connection) {
        this.connection = connection;
    }

    /** Opens the watching connection; fails as the node's own start would if the broker is not there. */
    public static BrokerLink open(ConnectionFactory factory) throws JMSException {
        Connection connection = factory.createConnection();
        BrokerLink link = new BrokerLink(connection);
        if (connection instanceof ActiveMQConnection artemis) {
            artemis.setFailoverListener(event -> link.failover(event));
        }
        connection.setExceptionListener(e -> link.lost(e.getMessage()));
        return link;
    }

    private void failover(FailoverEventType event) {
        switch (event) {
            case FAILURE_DETECTED, FAILOVER_FAILED -> lost(event.name());
            case FAILOVER_COMPLETED -> {
                connected = true;
                LOG.info("Health: broker connection is back");
            }
        }
    }

    private void lost(String why) {
        if (connected) {
            LOG.warn("Health: broker connection lost ({}): not ready", why);
        }
        connected = false;
    }

    /** True unless the connection failed and has not come back. */
    public boolean connected() {
        return connected;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (JMSException e) {
            LOG.debug("Closing the health connection: {}", e.getMessage());
        }
    }
}
