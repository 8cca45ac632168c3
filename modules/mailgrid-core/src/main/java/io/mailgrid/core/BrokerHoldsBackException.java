package io.mailgrid.core;

import java.time.Duration;

/**
 * The broker did not take a message within {@code mailgrid.broker.send-timeout}, most likely because it
 * holds back new messages (its disk is full); the send was abandoned before its commit, nothing was stored.
 */
public class BrokerHoldsBackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param what    what was not taken, e.g. "mail 1234" or "the maintenance command for node a"
     * @param timeout the send timeout that passed
     */
    public BrokerHoldsBackException(String what, Duration timeout, Throwable cause) {
        super(message(what, timeout), cause);
    }

    /** The one explanation every caller gives, naming the setting and what to do. */
    public static String message(String what, Duration timeout) {
        return "the broker did not take " + what + " within " + CoreSettingsCatalog.BROKER_SEND_TIMEOUT + " ("
                + timeout.toMillis() + " ms): it holds back new messages, most likely because its disk is full"
                + " (min-disk-free / max-disk-usage in broker.xml); nothing was stored. Free disk space on the broker,"
                + " then try again";
    }
}
