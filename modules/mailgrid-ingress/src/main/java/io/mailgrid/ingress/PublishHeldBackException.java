package io.mailgrid.ingress;

import java.time.Duration;

import io.mailgrid.core.BrokerHoldsBackException;

/**
 * The broker did not take a mail within {@code mailgrid.broker.send-timeout}, most likely because it holds back new
 * messages (its disk is full); the publish was abandoned before its commit, so nothing was stored.
 */
public class PublishHeldBackException extends PublishException {

    private static final long serialVersionUID = 1L;

    public PublishHeldBackException(String mailId, Duration timeout, Throwable cause) {
        super(BrokerHoldsBackException.message("mail " + mailId, timeout), cause);
    }
}
