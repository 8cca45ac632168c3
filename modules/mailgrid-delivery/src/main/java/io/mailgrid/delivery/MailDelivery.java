package io.mailgrid.delivery;

import java.util.Map;
import java.util.Optional;

/**
 * Hands a checked mail to its next stop. Called by the delivery route inside the JMS
 * transaction of the outbound queue: returning commits (the mail leaves the queue), throwing
 * rolls back (the broker redelivers it later, then dead-letters it after the configured attempts).
 */
public interface MailDelivery {

    /**
     * Delivers one mail.
     *
     * @param properties the mail's message properties (envelope, verdict, stamp fields)
     * @param mail       the bytes as received; the stamp header block goes in front of them
     * @param fence      asked before each step that cannot be taken back, whether this node still
     *                   holds the mail
     * @return what the next hop answered, for the mail's log line (a relay's reply to the end of DATA,
     *         such as Postfix's "queued as" id: one line, control characters escaped, bounded); empty
     *         where no next hop answers (a Maildir)
     * @throws Exception when the mail was not delivered and should be retried
     */
    Optional<String> deliver(Map<String, Object> properties, byte[] mail, DeliveryFence fence) throws Exception;

    /** {@link #deliver(Map, byte[], DeliveryFence)} without a fence: for tests and tools. */
    default Optional<String> deliver(Map<String, Object> properties, byte[] mail) throws Exception {
        return deliver(properties, mail, DeliveryFence.NONE);
    }

    /** A short description for the start-up log, such as "Maildir /var/a/outbox". */
    String describe();

    /**
     * Where this delivery puts mail, announced in heartbeats so a peer that takes over this node's
     * outbound queue can deliver to the same place when it can reach it (see {@link PeerDelivery}).
     */
    default String target() {
        return describe();
    }
}
