package io.mailgrid.checks.condition;

import org.apache.camel.Exchange;

import io.mailgrid.core.Envelope;

/** The mail goes the given {@link Direction}; bound as {@code inbound}, {@code outbound} and {@code internal}. */
public final class DirectionIs extends MailCondition {

    private final Direction direction;
    private final AddressPatterns localDomains;

    DirectionIs(Direction direction, AddressPatterns localDomains) {
        this.direction = direction;
        this.localDomains = localDomains;
    }

    @Override
    protected boolean test(Envelope envelope, Exchange exchange) {
        return Direction.of(envelope, localDomains) == direction;
    }

    @Override
    void requireComplete(String name) {
        // built by the node from mailgrid.local-domains
    }
}
