package io.mailgrid.node.route;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.core.MailProperty;

/**
 * Makes sure a transacted mail route only commits after it handed the mail on; registered with
 * Camel for every route, it guards those that take mail from a transacted JMS endpoint.
 *
 * <p>{@link Publish} marks a mail handed on. If routing ends without error but also without that
 * mark (a route stopped early, a step removed by mistake in an edited route), the guard marks the
 * exchange rollback-only: the mail returns to its queue instead of being acknowledged into nothing.
 * After the configured attempts the broker moves it to the dead-letter queue. Being Java and not a
 * step in the XML, the guard cannot be edited away with the step it guards.
 */
public final class CommitGuard implements RoutePolicyFactory {

    /** Exchange property set once the mail has been handed to its next queue or delivered. */
    static final String HANDED_ON = "mailgrid.handed-on";

    private static final Logger LOG = LoggerFactory.getLogger(CommitGuard.class);

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return new Guard();
    }

    /** Marks the mail as handed on: the transaction may commit. */
    static void handedOn(Exchange exchange) {
        exchange.setProperty(HANDED_ON, true);
    }

    private static final class Guard extends RoutePolicySupport {
        private volatile boolean transacted;

        @Override
        public void onInit(Route route) {
            transacted = route.getEndpoint() instanceof JmsEndpoint jms && jms.isTransacted();
        }

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            if (transacted) {
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
        }
    }
}
