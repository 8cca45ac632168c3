package io.mailgrid.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.jms.JMSContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a JMS context that failed, on a daemon thread of its own: the caller goes on at once.
 *
 * <p>Artemis's close makes blocking calls (remove the producer, close the session). On a connection in
 * failover each waits for the reconnection up to the call-failover timeout (30 s), on a broker that went
 * silent up to the call timeout (30 s): closing a context of a broker that is down took 75 s in
 * {@code SmtpIngressBrokerDownTest}, and an SMTP session waiting for that would outlast its send
 * timeout. What the context sent uncommitted is discarded by the broker either way (docs/adr/0048).
 */
public final class DetachedClose {

    private static final Logger LOG = LoggerFactory.getLogger(DetachedClose.class);

    private static final ExecutorService CLOSER = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "mailgrid-close");
        thread.setDaemon(true); // never keeps a command's JVM alive
        return thread;
    });

    private DetachedClose() {
    }

    /** Closes {@code context} soon, best effort, without waiting for it. */
    public static void of(JMSContext context) {
        CLOSER.execute(() -> {
            try {
                context.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing a failed broker connection: {}", e.getMessage());
            }
        });
    }
}
