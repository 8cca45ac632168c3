package io.mailgrid.checks.condition;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

import io.mailgrid.core.Envelope;

/**
 * A named condition on a mail's envelope or headers, for {@code <filter>} and {@code <when>} in the
 * policy routes: {@code <filter><method ref="inbound"/> ... </filter>}. Conditions are Camel
 * predicates; combine them with Camel's own constructs (nested filters for "and", {@code <choice>}
 * for "or" and "otherwise").
 */
public abstract class MailCondition implements Predicate {

    @Override
    public final boolean matches(Exchange exchange) {
        return test(Envelope.fromHeaders(exchange.getMessage().getHeaders()), exchange);
    }

    /**
     * Fails when a required property was not set; called for every condition bean at start-up.
     *
     * @param name the bean's name, for the message
     */
    void requireComplete(String name) {
    }

    /** Whether the mail meets the condition. */
    protected abstract boolean test(Envelope envelope, Exchange exchange);
}
