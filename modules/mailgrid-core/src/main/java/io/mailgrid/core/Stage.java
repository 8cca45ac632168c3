package io.mailgrid.core;

import java.util.Locale;

/** The stages a mail passes through; each publish names its stage in the duplicate-detection id. */
public enum Stage {
    /** Ingress published the mail to the origin node's mailbox. */
    MAILBOX,
    /** A grabber published the checked mail to the origin node's outbound queue. */
    OUTBOUND,
    /** A grabber published the mail to the quarantine. */
    QUARANTINE,
    /** The mail was moved to the dead-letter queue with a reason. */
    DLQ,
    /** An operator released the mail from quarantine for delivery as it is. */
    RELEASE,
    /**
     * Delivery re-published the mail for the recipients an SMTP relay deferred; the id also
     * names the relay attempt ({@link #duplicateId(String, int, int)}).
     */
    RELAY_RETRY,
    /**
     * Delivery dead-lettered the recipients an SMTP relay refused while it took others; the id
     * also names the relay attempt.
     */
    RELAY_REFUSED;

    /**
     * The duplicate-detection id for publishing this mail at this stage.
     *
     * <p>The same mail published twice at the same stage (a retry after a crash, a peer redoing
     * a mail) carries the same id, so the broker keeps one copy.
     */
    public String duplicateId(String mailId, int generation) {
        return mailId + ":" + name().toLowerCase(Locale.ROOT) + ":" + generation;
    }

    /**
     * The duplicate-detection id of a publish that can legitimately happen once per relay
     * attempt of the same mail (re-published deferred recipients, dead-lettered refused ones).
     */
    public String duplicateId(String mailId, int generation, int relayAttempt) {
        return duplicateId(mailId, generation) + ":" + relayAttempt;
    }
}
