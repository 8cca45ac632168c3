package io.mailgrid.checks.condition;

import org.apache.camel.Exchange;

import io.mailgrid.core.Envelope;

/** The envelope sender matches one of {@code addresses} (required; e.g. {@code ceo@*,*@board.example.com}). */
public final class SenderAddress extends MailCondition {

    private AddressPatterns addresses;

    /** Required: comma-separated address patterns. */
    public void setAddresses(String addresses) {
        this.addresses = AddressPatterns.parse("SenderAddress.addresses", addresses);
    }

    @Override
    void requireComplete(String name) {
        Conditions.required(addresses, "SenderAddress", "addresses");
    }

    @Override
    protected boolean test(Envelope envelope, Exchange exchange) {
        Conditions.required(addresses, "SenderAddress", "addresses");
        return addresses.matches(envelope.mailFrom());
    }
}
