package io.mailgrid.core;

import jakarta.jms.JMSContext;

import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.FailoverEventListener;
import org.apache.activemq.artemis.api.core.client.FailoverEventType;
import org.apache.activemq.artemis.jms.client.ActiveMQJMSContext;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;

/**
 * Whether the connection under one JMS context is up, as Artemis's client sees it, and so what a send
 * on it that has not finished by its deadline is waiting for ({@link #diagnose}).
 *
 * <p>Created before the context is, so a deadline that passes while connecting finds it
 * {@link BrokerFault#UNREACHABLE}; {@link #connected} then attaches it to the context's session.
 * Artemis tells a failure as it detects it (a closed socket at once, a silent broker within the
 * connection TTL) and a reconnection that came back ({@link FailoverEventType}).
 */
public final class ConnectionWatch implements FailoverEventListener {

    private volatile ClientSession session;
    private volatile boolean connected;
    private volatile boolean lost;

    /**
     * Attaches to the context's session, creating it (a call to the broker: do it under the deadline).
     * A context that is not Artemis's is taken as connected, with nothing to tell its failures.
     */
    public ConnectionWatch connected(JMSContext context) {
        if (context instanceof ActiveMQJMSContext artemis && artemis.getSession() instanceof ActiveMQSession jms) {
            ClientSession core = jms.getCoreSession();
            core.addFailoverListener(this);
            session = core;
        }
        connected = true;
        return this;
    }

    /** Whether the connection failed and had not come back, or was never made. */
    public boolean lost() {
        ClientSession core = session;
        return !connected || lost || (core != null && core.isClosed());
    }

    /** Whether {@code failure} of a send before its deadline is this connection failing: the broker is unreachable. */
    public boolean failedBy(Throwable failure) {
        return lost() || BrokerFault.of(failure).isPresent();
    }

    /**
     * Why a send on this connection has not finished: called at its deadline, before the sender is interrupted.
     *
     * @param sender the thread that sends
     */
    public BrokerFault diagnose(Thread sender) {
        if (lost()) {
            return BrokerFault.UNREACHABLE;
        }
        return CreditWait.fault(sender);
    }

    @Override
    public void failoverEvent(FailoverEventType type) {
        lost = type != FailoverEventType.FAILOVER_COMPLETED;
    }
}
