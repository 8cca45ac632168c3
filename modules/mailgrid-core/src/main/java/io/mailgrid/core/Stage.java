package io.mailgrid.core;

import java.util.Locale;
import java.util.Map;

/** The stages a mail passes through; each publish names its stage in the duplicate-detection id. */
public enum Stage {
    /** Ingress published the mail to the origin node's mailbox. */
    MAILBOX(false),
    /** A grabber published the checked mail to the origin node's outbound queue. */
    OUTBOUND(false),
    /** A grabber published the mail to the quarantine. */
    QUARANTINE(false),
    /** The mail was moved to the dead-letter queue with a reason; the id names the message taken. */
    DLQ(true),
    /** An operator released the mail from quarantine for delivery as it is. */
    RELEASE(false),
    /**
     * Delivery re-published the mail for the recipients an SMTP relay deferred; the id also
     * names the message delivered ({@link #duplicateId(String, int, String)}).
     */
    RELAY_RETRY(true),
    /**
     * Delivery dead-lettered the recipients an SMTP relay refused while it took others; the id
     * also names the message delivered.
     */
    RELAY_REFUSED(true);

    /** Whether the id names the message taken ({@code JMSMessageID}), not only the mail. */
    private final boolean namesSource;

    Stage(boolean namesSource) {
        this.namesSource = namesSource;
    }

    /**
     * The duplicate-detection id of publishing the mail whose properties (or Camel headers) these
     * are at this stage: mail id, generation and, for the stages that follow from taking one
     * message off a queue, that message's {@code JMSMessageID}. The one place every publish gets
     * its id from.
     */
    public String duplicateIdOf(Map<String, ?> properties) {
        Object mailId = properties.get(MailProperty.MAIL_ID);
        if (mailId == null) {
            throw new IllegalArgumentException("no " + MailProperty.MAIL_ID + " property: not a Mailgrid mail");
        }
        Object generation = properties.get(MailProperty.GENERATION);
        Object source = namesSource ? properties.get(MailProperty.JMS_MESSAGE_ID) : null;
        return duplicateId(mailId.toString(),
                generation instanceof Number n ? n.intValue() : generation == null ? 0 : Integer.parseInt(generation.toString()),
                source == null ? null : source.toString());
    }

    /** The duplicate-detection id of publishing a mail with this envelope at this stage. */
    public String duplicateIdOf(Envelope envelope) {
        return duplicateId(envelope.mailId(), envelope.generation());
    }

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
