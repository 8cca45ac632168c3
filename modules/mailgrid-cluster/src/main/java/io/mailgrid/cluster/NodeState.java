package io.mailgrid.cluster;

/** The state a node announces about itself in its heartbeat. */
public enum NodeState {
    /** Connected and announcing itself, grabbers not started yet. */
    STARTING,
    /** Processing its mailbox (if it is a worker) and delivering its outbound mail. */
    UP,
    /** Not grabbing (operator request or a required check is unavailable); ingress and delivery keep working. */
    MAINTENANCE,
    /** Stopping gracefully: peers take over at once instead of waiting for the heartbeat timeout. */
    LEAVING
}
