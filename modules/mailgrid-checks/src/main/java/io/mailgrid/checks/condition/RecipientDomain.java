package io.mailgrid.checks.condition;

import org.apache.camel.Exchange;

import io.mailgrid.core.Envelope;

/** Some envelope recipient's domain matches one of {@code domains} (required; comma-separated patterns). */
public final class RecipientDomain extends MailCondition {

    private AddressPatterns domains;

    /** Required: comma-separated domain patterns. */
    public void setDomains(String domains) {
        this.domains = AddressPatterns.parse("RecipientDomain.domains", domains);
    }

    @Override
    void requireComplete(String name) {
        Conditions.required(domains, "RecipientDomain", "domains");
    }

    @Override
    protected boolean test(Envelope envelope, Exchange exchange) {
        Conditions.required(domains, "RecipientDomain", "domains");
        return envelope.recipients().stream().anyMatch(r -> domains.matches(AddressPatterns.domain(r)));
    }
}
