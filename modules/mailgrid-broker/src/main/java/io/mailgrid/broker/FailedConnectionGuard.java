package io.mailgrid.broker;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerPlugin;

/**
 * Broker plugin: when a client connection fails (its process died), stop every session of that
 * connection before any of them returns its reserved mails to the queue.
 *
 * <p>Without it, Artemis closes the sessions of a failed connection one after the other; a mail
 * released by the first session can be dispatched to a consumer of a second session of the same
 * dead connection, which is then closed too. Each such hop raises the mail's delivery count, so
 * one crash of a node with several grabber consumers could use up several of the mail's delivery
 * attempts (measured: 3 or 4 instead of 2 with four consumers). With the guard, one crash costs
 * one attempt.
 *
 * <p>The embedded broker registers it itself. For the official Artemis distribution, copy the
 * mailgrid-broker jar into the instance's {@code lib/} and enable it in broker.xml (see the
 * commented {@code broker-plugins} block there, or {@code ./mailgrid merge-broker-config --plugin}). It
 * implements the whole {@link ActiveMQServerPlugin} interface because a {@code <broker-plugin>} in
 * broker.xml must (the distribution refuses a class that implements only the session part).
 */
public final class FailedConnectionGuard implements ActiveMQServerPlugin {

    private ActiveMQServer server;

    @Override
    public void registered(ActiveMQServer registeredWith) {
        this.server = registeredWith;
    }

    @Override
    public void beforeCloseSession(ServerSession closing, boolean failed) throws ActiveMQException {
        if (!failed || server == null) {
            return;
        }
        Object connectionId = closing.getConnectionID();
        for (ServerSession sibling : server.getSessions(String.valueOf(connectionId))) {
            sibling.stop();
        }
    }
}
