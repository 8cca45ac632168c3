package io.mailgrid.cluster;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What this node should consume, derived from its own condition and the membership table:
 * which mailboxes to grab at which consumer priority, and which peers' outbound queues to deliver.
 *
 * <p>Rules (docs/adr/0007):
 * <ul>
 * <li>A worker that is UP with every check available grabs its own mailbox at {@link #OWN_PRIORITY}.</li>
 * <li>It also grabs every peer's mailbox at {@link #HELPER_PRIORITY}: Artemis gives those consumers
 *     mail only while all higher-priority consumers are busy, so an idle node helps a node that
 *     falls behind, and takes over at once when the owner's consumers disappear (crash, maintenance,
 *     host-only node). Under a different policy hash it does not help; it takes over a peer that
 *     cannot process its own mailbox only when {@code takeoverOnDrift} allows it, and says so.</li>
 * <li>It never grabs a peer's mailbox whose mail requires a check its own chain lacks (the peer's
 *     required checks, from its heartbeat): such mail waits for a node that has them all. The
 *     grabber's selector enforces the same per mail (docs/adr/0018); the plan only spares consumers
 *     that could never take anything.</li>
 * <li>It delivers a peer's outbound queue while that peer is DOWN or LEAVING.</li>
 * <li>In maintenance, or with a check unavailable, it grabs nothing; delivery continues.</li>
 * </ul>
 *
 * @param grab       mailbox owner to consumer priority
 * @param deliver    nodes whose outbound queue this node delivers besides its own
 * @param drifted    peers whose mailbox is grabbed although their policy hash differs
 * @param unservable peers whose mailbox this node would take over or help with, but whose mail
 *                   requires checks its chain lacks
 */
public record TakeoverPlan(Map<String, Integer> grab, Set<String> deliver, Set<String> drifted, Set<String> unservable) {

    /** Consumer priority of a node's grabbers on its own mailbox. */
    public static final int OWN_PRIORITY = 10;
    /** Consumer priority of grabbers helping with, or taking over, a peer's mailbox. */
    public static final int HELPER_PRIORITY = 1;

    /**
     * This node's own condition.
     *
     * @param name            node name
     * @param worker          whether it runs checks at all (role worker)
     * @param state           the state it announces
     * @param checksHealthy   whether every check of its policy is available
     * @param configHash      its policy hash
     * @param helpPeers       whether it helps peers with their mailboxes (load balancing)
     * @param takeoverOnDrift whether it processes a failed peer's mailbox under a different policy
     * @param chain           the checks of its policy chain
     */
    public record Self(String name, boolean worker, NodeState state, boolean checksHealthy, String configHash,
            boolean helpPeers, boolean takeoverOnDrift, Set<String> chain) {

        public Self {
            chain = Set.copyOf(chain);
        }

        /** A node with an empty chain. */
        public Self(String name, boolean worker, NodeState state, boolean checksHealthy, String configHash,
                boolean helpPeers, boolean takeoverOnDrift) {
            this(name, worker, state, checksHealthy, configHash, helpPeers, takeoverOnDrift, Set.of());
        }

        boolean canGrab() {
            return worker && state == NodeState.UP && checksHealthy;
        }
    }

    public TakeoverPlan {
        grab = Map.copyOf(grab);
        deliver = Set.copyOf(deliver);
        drifted = Set.copyOf(drifted);
        unservable = Set.copyOf(unservable);
    }

    /** A plan in which every peer's mailbox can be served. */
    public TakeoverPlan(Map<String, Integer> grab, Set<String> deliver, Set<String> drifted) {
        this(grab, deliver, drifted, Set.of());
    }

    /** Computes the plan. */
    public static TakeoverPlan of(Self self, Iterable<Membership.Peer> peers) {
        Map<String, Integer> grab = new TreeMap<>();
        Set<String> deliver = new TreeSet<>();
        Set<String> drifted = new TreeSet<>();
        Set<String> unservable = new TreeSet<>();
        if (self.canGrab()) {
            grab.put(self.name(), OWN_PRIORITY);
        }
        for (Membership.Peer peer : peers) {
            String node = peer.last().node();
            if (node.equals(self.name())) {
                continue;
            }
            boolean samePolicy = self.configHash().equals(peer.last().configHash());
            boolean ownerAbsent = peer.state().needsMailboxTakeover() || !peer.last().isWorker();
            boolean wanted = samePolicy && (self.helpPeers() || ownerAbsent)
                    || !samePolicy && ownerAbsent && self.takeoverOnDrift();
            if (self.canGrab() && wanted) {
                if (!self.chain().containsAll(peer.last().required())) {
                    unservable.add(node);
                } else {
                    grab.put(node, HELPER_PRIORITY);
                    if (!samePolicy) {
                        drifted.add(node);
                    }
                }
            }
            if (peer.state().needsDeliveryTakeover()) {
                deliver.add(node);
            }
        }
        return new TakeoverPlan(grab, deliver, drifted, unservable);
    }
}
