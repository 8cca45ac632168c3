package io.mailgrid.core;

import java.time.Duration;

/**
 * The broker did not take a message: it holds new messages back (its disk is full), it cannot be
 * reached, or it did not answer within {@code mailgrid.broker.send-timeout} ({@link #fault()}). The
 * send was abandoned before its commit, nothing was stored.
 */
public class BrokerDidNotTakeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final BrokerFault fault;

    /**
     * At the send timeout.
     *
     * @param fault   why, as the client could tell
     * @param what    what was not taken, e.g. "mail 1234" or "the maintenance command for node a"
     * @param timeout the send timeout that passed
     */
    public BrokerDidNotTakeException(BrokerFault fault, String what, Duration timeout, Throwable cause) {
        super(fault.explain(what, timeout), cause);
        this.fault = fault;
    }

    /** Before the send timeout: the connection failed ({@link BrokerFault#UNREACHABLE}). */
    public BrokerDidNotTakeException(BrokerFault fault, String what, Throwable failure) {
        super(fault.explain(what, failure), failure);
        this.fault = fault;
    }

    /** Why the broker did not take it. */
    public BrokerFault fault() {
        return fault;
    }
}
