package io.mailgrid.checks.condition;

import org.apache.camel.Exchange;

import io.mailgrid.core.Envelope;

/** Some envelope recipient matches one of {@code addresses} (required; comma-separated address patterns). */
public final class RecipientAddress extends MailCondition {

    private AddressPatterns addresses;

    /** Required: comma-separated address patterns. */
    public void setAddresses(String addresses) {
        this.addresses = AddressPatterns.parse("RecipientAddress.addresses", addresses);
    }

    @Override
    void requireComplete(String name) {
        Conditions.required(addresses, "RecipientAddress", "addresses");
    }

    @Override
    protected boolean test(Envelope envelope, Exchange exchange) {
        Conditions.required(addresses, "RecipientAddress", "addresses");
        return envelope.recipients().stream().anyMatch(addresses::matches);
    }
}
