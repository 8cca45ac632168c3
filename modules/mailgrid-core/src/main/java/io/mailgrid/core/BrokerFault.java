package io.mailgrid.core;

import java.util.Optional;
import java.util.Set;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;

/**
 * Why the broker did not take a message, as far as its client can tell: it holds new messages back
 * (its disk is full), it cannot be reached, or it did not answer in time for a reason the client cannot
 * see. Only {@link #HELD_BACK} is "the mail system is full" (SMTP 452 4.3.1); the other two are "the
 * mail system is unavailable" (451 4.3.0): what cannot be told apart is never called full
 * (docs/adr/0048).
 */
public enum BrokerFault {

    /**
     * Connected, and the send waits for producer credits the broker does not grant: Artemis holds new
     * messages back, because its disk is full (min-disk-free, max-disk-usage) or an address with
     * {@code address-full-policy} BLOCK is full.
     */
    HELD_BACK("it holds back new messages, most likely because its disk is full (min-disk-free / max-disk-usage in"
            + " broker.xml)", "Free disk space on the broker"),

    /**
     * No connection: none could be made (stopped, wrong address, network), or the one in use failed and
     * its reconnection had not come back.
     */
    UNREACHABLE("it cannot be reached (stopped, or the network or " + CoreSettingsCatalog.BROKER_URL + " is wrong)",
            "Start the broker or check the network"),

    /**
     * Connected as far as the client knows, but waiting for something other than credits: a broker
     * that stopped answering before its client noticed (that takes up to
     * {@code mailgrid.broker.connection-ttl}), or one too slow to answer in time.
     */
    NO_ANSWER("it did not answer in time (hung, overloaded, or a slow network)", "Check the broker");

    /** Artemis's ways of saying the connection is gone or could not be made. */
    private static final Set<ActiveMQExceptionType> CONNECTION_LOST = Set.of(ActiveMQExceptionType.NOT_CONNECTED,
            ActiveMQExceptionType.CONNECTION_TIMEDOUT, ActiveMQExceptionType.DISCONNECTED,
            ActiveMQExceptionType.REMOTE_DISCONNECT, ActiveMQExceptionType.UNBLOCKED);

    private final String cause;
    private final String remedy;

    BrokerFault(String cause, String remedy) {
        this.cause = cause;
        this.remedy = remedy;
    }

    /**
     * The one explanation every caller gives for a message abandoned at the send timeout: what, the
     * setting, the cause and what to do.
     *
     * @param what    e.g. "mail 1234" or "the maintenance command for node a"
     * @param timeout {@code mailgrid.broker.send-timeout}
     */
    public String explain(String what, java.time.Duration timeout) {
        return "the broker did not take " + what + " within " + CoreSettingsCatalog.BROKER_SEND_TIMEOUT + " ("
                + timeout.toMillis() + " ms): " + cause + "; nothing was stored. " + remedy + ", then try again";
    }

    /** As {@link #explain(String, java.time.Duration)}, for a send that failed before its deadline. */
    public String explain(String what, Throwable failure) {
        return "the broker did not take " + what + ": " + cause + "; nothing was stored. " + remedy
                + ", then try again (" + failure.getMessage() + ")";
    }

    /** {@link #UNREACHABLE} when the failure, or one of its causes, is Artemis saying the connection is gone. */
    public static Optional<BrokerFault> of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ActiveMQException artemis && CONNECTION_LOST.contains(artemis.getType())) {
                return Optional.of(UNREACHABLE);
            }
        }
        return Optional.empty();
    }
}
