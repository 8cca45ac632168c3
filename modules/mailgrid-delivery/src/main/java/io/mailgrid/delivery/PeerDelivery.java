package io.mailgrid.delivery;

import java.io.IOException;
import java.util.Optional;

/**
 * How this node may deliver a peer's outbound mail while the peer is away: only where the peer
 * itself would deliver it. Into the peer's Maildir when this node reaches that very Maildir (its
 * identity matches what the peer announced; another Maildir at the same path, such as this node's
 * own volume in a container, is not it), or through this node's delivery when both go to the same
 * relay. Otherwise the mail waits in the peer's outbound queue until the peer is back, and the reason
 * says why.
 *
 * @param delivery the delivery to use, or null when the mail must wait
 * @param waits    why the mail waits for its node, or null when it is delivered
 */
public record PeerDelivery(MailDelivery delivery, String waits) {

    /**
     * Decides for a peer that announced {@code peerTarget} (its {@link MailDelivery#target()}).
     *
     * @param own     this node's own delivery
     * @param options how to keep the record of a peer's Maildir (as this node keeps its own)
     */
    public static PeerDelivery choose(String peerTarget, MailDelivery own, MaildirDelivery.Options options)
            throws IOException {
        if (peerTarget == null || peerTarget.isBlank()) {
            return new PeerDelivery(null, "it announced no delivery target");
        }
        if (peerTarget.startsWith("maildir:")) {
            Optional<String> unreachable = MaildirDelivery.unreachable(peerTarget);
            if (unreachable.isPresent()) {
                return new PeerDelivery(null, unreachable.get());
            }
            Optional<MaildirDelivery> maildir = MaildirDelivery.ofPeer(peerTarget, options);
            return maildir.map(m -> new PeerDelivery(m, null))
                    .orElseGet(() -> new PeerDelivery(null, "its Maildir is not reachable from this node"));
        }
        if (peerTarget.equals(own.target())) {
            return new PeerDelivery(own, null);
        }
        return new PeerDelivery(null, "it delivers to " + peerTarget + ", this node to " + own.target());
    }

    /** Whether the peer's mail is delivered by this node. */
    public boolean delivers() {
        return delivery != null;
    }
}
