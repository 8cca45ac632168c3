package io.mailgrid.ingress;

import java.time.Duration;

import io.mailgrid.core.BrokerFault;

/**
 * The broker could not be reached, or did not answer within {@code mailgrid.broker.send-timeout} for a
 * reason its client cannot see ({@link #fault()}); the publish was abandoned before its commit, so
 * nothing was stored. Unlike {@link PublishHeldBackException}, nothing says the broker is full.
 */
public class PublishUnavailableException extends PublishException {

    private static final long serialVersionUID = 1L;

    private final BrokerFault fault;

    /** At the send timeout. */
    public PublishUnavailableException(BrokerFault fault, String mailId, Duration timeout, Throwable cause) {
        super(fault.explain("mail " + mailId, timeout), cause);
        this.fault = fault;
    }

    /** Before the send timeout: the connection could not be made, or failed. */
    public PublishUnavailableException(String mailId, Throwable failure) {
        super(BrokerFault.UNREACHABLE.explain("mail " + mailId, failure), failure);
        this.fault = BrokerFault.UNREACHABLE;
    }

    /** {@link BrokerFault#UNREACHABLE} or {@link BrokerFault#NO_ANSWER}. */
    public BrokerFault fault() {
        return fault;
    }
}
