package io.mailgrid.cluster;

/** What a node concludes about a peer from its heartbeats (or their absence). */
public enum PeerState {
    /** Starting up; not yet processing. */
    STARTING,
    /** Heartbeats arrive on time. */
    UP,
    /** A heartbeat is late; nothing is taken over yet. */
    SUSPECT,
    /** No heartbeat for the heartbeat timeout: the peer is treated as dead. */
    DOWN,
    /** The peer says it is in maintenance: its mailbox is taken over, it still delivers. */
    MAINTENANCE,
    /** The peer said it is stopping: taken over at once, like DOWN. */
    LEAVING;

    /** Whether peers must process this node's mailbox for it. */
    public boolean needsMailboxTakeover() {
        return this == DOWN || this == LEAVING || this == MAINTENANCE;
    }

    /** Whether peers must deliver this node's outbound queue for it. */
    public boolean needsDeliveryTakeover() {
        return this == DOWN || this == LEAVING;
    }
}
