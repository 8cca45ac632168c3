package io.mailgrid.checks.condition;

import java.util.List;

import io.mailgrid.core.Envelope;

/**
 * Which way a mail goes, from the envelope and {@code mailgrid.local-domains}: from outside
 * (INBOUND), from a local sender to some address outside (OUTBOUND), or between local addresses only
 * (INTERNAL). The null sender {@code <>} (bounces) counts as outside.
 */
public enum Direction {
    INBOUND, OUTBOUND, INTERNAL;

    /** The direction of a mail given the local domain patterns (none: every mail is inbound). */
    static Direction of(Envelope envelope, AddressPatterns local) {
        if (local == null || !isLocal(envelope.mailFrom(), local)) {
            return INBOUND;
        }
        List<String> recipients = envelope.recipients();
        return recipients.stream().allMatch(r -> isLocal(r, local)) ? INTERNAL : OUTBOUND;
    }

    private static boolean isLocal(String address, AddressPatterns local) {
        String domain = AddressPatterns.domain(address);
        return !domain.isEmpty() && local.matches(domain);
    }
}
