package io.mailgrid.core;

/**
 * Names of the message properties that carry a mail's envelope and verdicts: the one place they
 * are spelled.
 *
 * <p>A mail on the broker is a BytesMessage whose body is the exact bytes received; everything
 * else travels in these properties. They share the prefix {@code mailgrid_} (underscores, not
 * dots, because JMS property names must be Java identifiers and Camel would otherwise rewrite
 * them). Camel routes see them as headers of the same name.
 */
public final class MailProperty {

    /** Prefix shared by every Mailgrid property. */
    public static final String PREFIX = "mailgrid_";

    /** Unique id of the mail, assigned at ingress; stays the same through every stage. */
    public static final String MAIL_ID = PREFIX + "id";
    /** The node whose ingress accepted the mail; checked mail goes to this node's outbound queue. */
    public static final String ORIGIN = PREFIX + "origin";
    /** Envelope sender (SMTP MAIL FROM), empty for the null sender {@code <>}. */
    public static final String MAIL_FROM = PREFIX + "from";
    /** Envelope recipients (SMTP RCPT TO), comma-separated. */
    public static final String RCPT_TO = PREFIX + "rcpt";
    /** How the mail came in: smtp, pickup or submit. */
    public static final String SOURCE = PREFIX + "source";
    /** Address of the SMTP client, when the mail came over SMTP. */
    public static final String CLIENT_ADDRESS = PREFIX + "client";
    /** Name the SMTP client gave in HELO/EHLO, when the mail came over SMTP. */
    public static final String HELO = PREFIX + "helo";
    /** When ingress accepted the mail, epoch milliseconds. */
    public static final String RECEIVED_AT = PREFIX + "received";
    /** Size of the mail body in bytes, as received. */
    public static final String SIZE = PREFIX + "size";
    /**
     * Generation of the mail: 0 when received, incremented each time an operator re-injects it
     * (quarantine release with recheck). Part of every duplicate-detection id.
     */
    public static final String GENERATION = PREFIX + "generation";

    /**
     * The checks the mail requires, set at ingress from the origin node's policy chain: sorted
     * names, comma-separated ({@link RequiredChecks}). A grabber whose chain lacks one of them never
     * takes the mail (its JMS selector excludes it).
     */
    public static final String REQUIRED_CHECKS = PREFIX + "required";

    /**
     * The resend key of a mail received over SMTP with a Message-ID (a digest of Message-ID, envelope
     * and body): a mail sent again with the same key is recognised as already stored.
     */
    public static final String RESEND_KEY = PREFIX + "resend_key";

    /** Overall verdict of the policy chain, a {@link Verdict} name. */
    public static final String VERDICT = PREFIX + "verdict";
    /** Human-readable reason for a verdict other than CLEAN, or for a dead-lettered mail. */
    public static final String REASON = PREFIX + "reason";
    /** Names of the checks that ran, comma-separated, in order. */
    public static final String CHECKS = PREFIX + "checks";
    /** Tags given by policy steps with outcome tag, comma-separated, in order; the mail carries X-Mailgrid-Tag lines. */
    public static final String TAGS = PREFIX + "tags";
    /** The node whose grabber processed the mail. */
    public static final String PROCESSED_BY = PREFIX + "processed_by";
    /** When the grabber finished processing, epoch milliseconds. */
    public static final String PROCESSED_AT = PREFIX + "processed_at";
    /** Which delivery attempt of the mailbox copy the grabber saw (JMSXDeliveryCount). */
    public static final String ATTEMPT = PREFIX + "attempt";
    /**
     * Set when an operator released the mail from quarantine for delivery as it is: who and when
     * ("by op@host at ..."); the verdict and reason stay those of the quarantine.
     */
    public static final String RELEASED = PREFIX + "released";
    /** The queue a dead-lettered mail came from. */
    public static final String FAILED_QUEUE = PREFIX + "failed_queue";
    /**
     * Recipients an SMTP relay deferred (4xx) while it accepted others, comma-separated: set by
     * the relay delivery for the delivery route, which sends a copy for just these back to the
     * outbound queue. Travels only on a dead-letter copy of the same delivery, for information.
     */
    public static final String DEFERRED_RCPT = PREFIX + "deferred";
    /**
     * Recipients an SMTP relay refused for good (5xx) while it accepted or deferred others,
     * comma-separated: set by the relay delivery for the delivery route, which sends a copy for
     * just these to the dead-letter queue (where they become its {@link #RCPT_TO}).
     */
    public static final String REFUSED_RCPT = PREFIX + "refused";
    /** The relay's replies for the refused recipients, the reason of their dead-letter copy. */
    public static final String REFUSED_REASON = PREFIX + "refused_reason";
    /**
     * Relay attempts made before this copy of an outbound mail was published: 0 on the grabber's
     * copy, the attempt count so far on a copy re-published for deferred recipients.
     */
    public static final String RELAY_ATTEMPTS = PREFIX + "relay_attempts";

    /**
     * The node a heartbeat, status or control message is about: the last-value key of
     * mailgrid.status and mailgrid.control.
     */
    public static final String NODE = PREFIX + "node";

    /**
     * Set (true) on a message to mailgrid.heartbeat that tells every node to forget the node named
     * in {@link #NODE} ({@code mailgrid forget}).
     */
    public static final String FORGET = PREFIX + "forget";

    /** Artemis's duplicate-detection property: the broker drops a second message with the same value. */
    public static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    /**
     * Artemis sets this on a message it moved to the dead-letter address itself; Mailgrid's own
     * dead-letter publish sets it too, so the broker's "retry" (console, {@code retryMessages}) finds the queue.
     */
    public static final String ARTEMIS_ORIGINAL_QUEUE = "_AMQ_ORIG_QUEUE";
    /** The address a dead-lettered message came from, as Artemis's retry reads it (see {@link #ARTEMIS_ORIGINAL_QUEUE}). */
    public static final String ARTEMIS_ORIGINAL_ADDRESS = "_AMQ_ORIG_ADDRESS";
    /** Artemis delivers a message carrying this property (epoch milliseconds) no earlier than then. */
    public static final String ARTEMIS_SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";
    /** JMS delivery count: 1 on the first delivery. */
    public static final String DELIVERY_COUNT = "JMSXDeliveryCount";
    /** The JMS message id: the same on every redelivery of one message, new on every copy. */
    public static final String JMS_MESSAGE_ID = "JMSMessageID";

    private MailProperty() {
    }
}
