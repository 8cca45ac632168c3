package io.mailgrid.ingress;

import java.time.Duration;

/**
 * The broker did not take a mail within the publish deadline, most likely because it holds back new
 * messages (its disk is full); the publish was abandoned before its commit, so nothing was stored.
 */
public class PublishHeldBackException extends PublishException {

    private static final long serialVersionUID = 1L;

    public PublishHeldBackException(String mailId, Duration timeout, Throwable cause) {
        super("broker did not take mail " + mailId + " within " + IngressSettingsCatalog.PUBLISH_TIMEOUT + " ("
                + timeout.toMillis() + " ms): it holds back new messages, most likely because its disk is full"
                + " (min-disk-free / max-disk-usage in broker.xml); nothing was stored", cause);
    }
}
