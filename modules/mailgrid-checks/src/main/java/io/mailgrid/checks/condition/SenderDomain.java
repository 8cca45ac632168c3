package io.mailgrid.checks.condition;

import org.apache.camel.Exchange;

import io.mailgrid.core.Envelope;

/**
 * The envelope sender's domain matches one of {@code domains} (required; e.g. {@code partner.example,*.partner.example}).
 * The null sender {@code <>} has no domain and never matches.
 */
public final class SenderDomain extends MailCondition {

    private AddressPatterns domains;

    /** Required: comma-separated domain patterns. */
    public void setDomains(String domains) {
        this.domains = AddressPatterns.parse("SenderDomain.domains", domains);
    }

    @Override
    void requireComplete(String name) {
        Conditions.required(domains, "SenderDomain", "domains");
    }

    @Override
    protected boolean test(Envelope envelope, Exchange exchange) {
        String domain = AddressPatterns.domain(envelope.mailFrom());
        return Conditions.required(domains, "SenderDomain", "domains") && !domain.isEmpty() && domains.matches(domain);
    }
}
