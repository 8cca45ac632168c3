package io.mailgrid.node.route;

import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.jms.client.ActiveMQSession;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.jms.JmsMessage;

import io.mailgrid.delivery.FencedException;
import io.mailgrid.delivery.MailDelivery;
import io.mailgrid.delivery.PauseDetector;

/**
 * The delivery route's step that hands a mail to a {@link MailDelivery}, fenced: before each
 * irreversible step the delivery asks whether this node still holds the mail (docs/adr/0017). Bound
 * as {@code delivery} for the node's own outbound queue and {@code delivery-for-<peer>} for a peer's.
 *
 * <p>The fence says no when this process did not run for a while as it held the mail
 * ({@link PauseDetector}), or when the JMS session the mail was received on has failed (the broker
 * dropped the connection, or will after the connection TTL, and gives the mail to another node). Right
 * after a pause it first waits until the broker client has had time to notice a dropped connection,
 * then asks the session.
 */
public final class DeliveryStep {

    private final MailDelivery delivery;
    private final PauseDetector pauses;

    /**
     * @param delivery where the mail goes
     * @param pauses   the node's pause detector
     */
    public DeliveryStep(MailDelivery delivery, PauseDetector pauses) {
        this.delivery = delivery;
        this.pauses = pauses;
    }

    /** Delivers the mail of this exchange; throwing rolls the delivery's transaction back. */
    public void deliver(Exchange exchange) throws Exception {
        long started = pauses.now();
        Message in = exchange.getMessage();
        Session session = in instanceof JmsMessage jms ? jms.getJmsSession() : null;
        byte[] mail = in.getMandatoryBody(byte[].class);
        Optional<String> reply = delivery.deliver(in.getHeaders(), mail, step -> check(step, started, session));
        MailLog.delivered(in.getHeaders(), mail, delivery.describe(), reply);
    }

    /** The delivery behind this step. */
    public MailDelivery delivery() {
        return delivery;
    }

    private void check(String step, long started, Session session) throws FencedException {
        long giveUp = pauses.now() + pauses.grace().toNanos() * 2 + pauses.threshold().toNanos();
        PauseDetector.Check pause;
        while (!(pause = pauses.check(started)).clear()) {
            if (pause.stop() != null) {
                throw new FencedException("stopped before " + step + ": " + pause.stop()
                        + ", so the broker may have given it to another node");
            }
            if (pauses.now() - giveUp > 0) {
                throw new FencedException("stopped before " + step + ": this process keeps pausing");
            }
            // just after a pause: give the broker client time to notice a connection the broker dropped
            LockSupport.parkNanos(Math.max(1_000_000, pause.waitUntil() - pauses.now()));
        }
        if (session instanceof ActiveMQSession artemis && !alive(artemis.getCoreSession())) {
            throw new FencedException("stopped before " + step + ": the broker connection this mail came on failed");
        }
    }

    private static boolean alive(ClientSession session) {
        if (session.isClosed() || session.isRollbackOnly()) {
            return false;
        }
        RemotingConnection connection = session.getSessionFactory().getConnection();
        return connection != null && !connection.isDestroyed();
    }

    @Override
    public String toString() {
        return "DeliveryStep[" + delivery.describe() + "]";
    }
}
