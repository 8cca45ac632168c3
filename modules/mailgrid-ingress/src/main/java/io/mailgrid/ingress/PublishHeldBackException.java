package io.mailgrid.ingress;

import java.time.Duration;

import io.mailgrid.core.BrokerFault;

/**
 * The broker did not take a mail within {@code mailgrid.broker.send-timeout} because it holds back new
 * messages (its disk is full: the send waited for producer credits); the publish was abandoned before
 * its commit, so nothing was stored.
 */
public class PublishHeldBackException extends PublishException {

    private static final long serialVersionUID = 1L;

    public PublishHeldBackException(String mailId, Duration timeout, Throwable cause) {
        super(BrokerFault.HELD_BACK.explain("mail " + mailId, timeout), cause);
    }
}
