package io.mailgrid.core;

/**
 * Names of every Mailgrid address and queue on the broker: the one place they are spelled.
 *
 * <p>{@code broker-config/broker.xml} declares the same names; a test checks the two agree.
 */
public final class Queues {

    /** Prefix shared by every Mailgrid address, so one security and address setting covers them. */
    public static final String PREFIX = "mailgrid.";

    /** Mails that a check did not pass, with the verdict and reason in properties. */
    public static final String QUARANTINE = PREFIX + "quarantine";

    /**
     * Mails an operator's {@code quarantine release} took out of the quarantine and is publishing
     * right now (for milliseconds; one stays here only if the command died in between, and the next
     * release or delete of that mail finds it). The broker moves the mail here, so release works on
     * a quarantine that pages, where a selector consumer cannot reach paged mail.
     */
    public static final String QUARANTINE_RELEASING = PREFIX + "quarantine.releasing";

    /**
     * Quarantined mails the broker removed once older than {@code mailgrid.quarantine.retention} (their
     * expiry address): a node takes each one, logs it and drops it, so none vanishes unlogged.
     */
    public static final String QUARANTINE_EXPIRED = PREFIX + "quarantine.expired";

    /** Mails that could not be processed after the configured attempts (poison mail). */
    public static final String DLQ = PREFIX + "dlq";

    /** Multicast address every node publishes its heartbeat to. */
    public static final String HEARTBEAT = PREFIX + "heartbeat";

    /**
     * Multicast address every node publishes its latest status to. Each broker holds it in a
     * last-value queue of its own, {@link #statusQueue(String)}: on a cluster of live brokers every
     * broker's queue gets a copy of every node's status (docs/adr/0030).
     */
    public static final String STATUS = PREFIX + "status";

    /** Last-value queue holding the latest operator command per node (maintenance on/off), keyed by node. */
    public static final String CONTROL = PREFIX + "control";

    /**
     * Multicast address without queues: nothing is stored there, but the broker's duplicate-detection
     * cache of this one address remembers the resend key of every mail received over SMTP, whichever
     * node received it, so a mail sent again to any node is recognised (docs/adr/0013).
     */
    public static final String RESEND_KEYS = PREFIX + "resend-keys";

    /** Prefix of the temporary reply queues of management requests. */
    public static final String TEMPORARY_PREFIX = PREFIX + "tmp.";

    private static final String MAILBOX_PREFIX = PREFIX + "mailbox.";
    private static final String OUTBOUND_PREFIX = PREFIX + "outbound.";

    private Queues() {
    }

    /** The durable queue a node's ingress publishes to and its grabbers reserve mails from. */
    public static String mailbox(String node) {
        return MAILBOX_PREFIX + NodeNames.requireValid(node);
    }

    /** The durable queue holding checked mails that wait for the node's delivery. */
    public static String outbound(String node) {
        return OUTBOUND_PREFIX + NodeNames.requireValid(node);
    }

    /**
     * The last-value queue (keyed by node) on the {@link #STATUS} address of the broker with this
     * node id (Artemis's id of a live broker, which its backup takes over): a name of its own per
     * broker, so a cluster copies each status to every broker instead of sharing it among them.
     */
    public static String statusQueue(String brokerNodeId) {
        if (brokerNodeId == null || !brokerNodeId.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("not a broker node id: " + brokerNodeId);
        }
        return STATUS + "." + brokerNodeId;
    }

    /** The node whose mailbox this queue is, or {@code null} if it is not a mailbox. */
    public static String nodeOfMailbox(String queue) {
        return queue.startsWith(MAILBOX_PREFIX) ? queue.substring(MAILBOX_PREFIX.length()) : null;
    }

    /** The node whose outbound queue this is, or {@code null} if it is not an outbound queue. */
    public static String nodeOfOutbound(String queue) {
        return queue.startsWith(OUTBOUND_PREFIX) ? queue.substring(OUTBOUND_PREFIX.length()) : null;
    }
}
