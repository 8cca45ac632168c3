package io.mailgrid.node;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.MailProperty;

/**
 * Makes sure a transacted mail route only commits after it handed the mail on; bound as
 * {@code commitGuard}.
 *
 * <p>The first step of the grabber and delivery routes registers the guard; the step after each
 * publish or delivery calls {@link #handedOn}. If routing ends without error but also without
 * that mark (a route stopped early, a step skipped by mistake in an edited route), the guard marks
 * the exchange rollback-only: the mail returns to its queue instead of being acknowledged into
 * nothing. After the configured attempts the broker moves it to the dead-letter queue.
 */
public final class CommitGuard implements Processor {

    /** Exchange property set once the mail has been handed to its next queue or delivered. */
    static final String HANDED_ON = "mailgrid.handed-on";

    private static final Logger LOG = LoggerFactory.getLogger(CommitGuard.class);

    @Override
    public void process(Exchange exchange) {
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange completed) {
                if (!Boolean.TRUE.equals(completed.getProperty(HANDED_ON, Boolean.class))) {
                    LOG.error("Route {} finished mail {} without handing it on: rolling back so it is not lost",
                            completed.getFromRouteId(), completed.getMessage().getHeader(MailProperty.MAIL_ID));
                    completed.setRollbackOnly(true);
                }
            }
        });
    }

    /** Marks the mail as handed on: the transaction may commit. */
    public void handedOn(Exchange exchange) {
        exchange.setProperty(HANDED_ON, true);
    }
}
