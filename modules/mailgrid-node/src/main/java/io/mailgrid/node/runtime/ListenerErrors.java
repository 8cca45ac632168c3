package io.mailgrid.node.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.ErrorHandler;

/**
 * What the JMS listener containers do with a failure that escaped a route. Exceptions were
 * already logged once by the route's error policy (routes/errors.xml); a JVM {@link Error} such as
 * an OutOfMemoryError was not, and must be seen.
 */
final class ListenerErrors implements ErrorHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerErrors.class);

    @Override
    public void handleError(Throwable failure) {
        Throwable error = failure;
        while (error != null && !(error instanceof Error)) {
            error = error.getCause();
        }
        if (error != null) {
            LOG.error("A mail route failed with {}: the mail is rolled back and redelivered", error.toString());
        } else {
            LOG.debug("Listener rolled back: {}", failure.toString());
        }
    }
}
