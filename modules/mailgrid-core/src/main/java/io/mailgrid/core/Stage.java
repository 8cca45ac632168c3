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
     * names the message delivered ({@link #duplicateId(String, int, String)}).
     */
    RELAY_RETRY,
    /**
     * Delivery dead-lettered the recipients an SMTP relay refused while it took others; the id
     * also names the message delivered.
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
     * The duplicate-detection id of a publish that follows from taking one message off a queue (a
     * dead letter, a relay's follow-up copies): it names that message ({@code JMSMessageID}). A
     * redelivery of the same message after a lost commit yields the same id, so the broker keeps one
     * copy; a copy of the mail an operator put back into a queue is a new message and yields a new one,
     * so its follow-ups are never mistaken for old ones and dropped.
     *
     * @param source the JMSMessageID of the message taken; null falls back to {@link #duplicateId(String, int)}
     */
    public String duplicateId(String mailId, int generation, String source) {
        return source == null ? duplicateId(mailId, generation) : duplicateId(mailId, generation) + ":" + source;
    }
}
