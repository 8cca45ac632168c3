package io.mailgrid.cluster;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * <li>It also grabs a peer's mailbox at {@link #HELPER_PRIORITY} when it is one of that mailbox's
 *     helpers: Artemis gives those consumers mail only while all higher-priority consumers are busy,
 *     so a helper takes work from a busy owner, and takes over at once when the owner's consumers
 *     disappear (crash, maintenance). Under a different policy hash it does not help; it takes over a
 *     peer that cannot process its own mailbox only when {@code takeoverOnDrift} allows it, and says so.</li>
 * <li>While its owner processes it, a mailbox's helpers (docs/adr/0039) are the {@code helpers} live
 *     workers that {@link Helpers} ranks highest for it among those able to serve it (UP or SUSPECT,
 *     every check healthy, a chain covering its required checks, the owner's policy), so a failed or
 *     maintenance helper is replaced by the next one at once. Every able worker helps (as with
 *     {@code helpers} 0) while the owner says its mailbox falls behind, and once the owner cannot
 *     process it (DOWN, LEAVING, MAINTENANCE, or a host-only node): the ranked helpers are attached
 *     already and take its mail the moment its consumers go, the others join within a tick.</li>
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
     * @param helpers         how many workers help with each worker's mailbox; 0 = every worker
     */
    public record Self(String name, boolean worker, NodeState state, boolean checksHealthy, String configHash,
            boolean helpPeers, boolean takeoverOnDrift, Set<String> chain, int helpers) {

        public Self {
            chain = Set.copyOf(chain);
            if (helpers < 0) {
                throw new IllegalArgumentException("helpers must be 0 (every worker) or more, got " + helpers);
            }
        }

        /** A node on which every worker helps every mailbox. */
        public Self(String name, boolean worker, NodeState state, boolean checksHealthy, String configHash,
                boolean helpPeers, boolean takeoverOnDrift, Set<String> chain) {
            this(name, worker, state, checksHealthy, configHash, helpPeers, takeoverOnDrift, chain, 0);
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

    /** Computes the plan with no mailbox behind. */
    public static TakeoverPlan of(Self self, Iterable<Membership.Peer> peers) {
        return of(self, peers, Instant.MIN);
    }

    /** Computes the plan at {@code now} (which decides whether a mailbox still counts as behind). */
    public static TakeoverPlan of(Self self, Iterable<Membership.Peer> peers, Instant now) {
        List<Membership.Peer> known = new ArrayList<>();
        peers.forEach(known::add);
        Map<String, Integer> grab = new TreeMap<>();
        Set<String> deliver = new TreeSet<>();
        Set<String> drifted = new TreeSet<>();
        Set<String> unservable = new TreeSet<>();
        if (self.canGrab()) {
            grab.put(self.name(), OWN_PRIORITY);
        }
        for (Membership.Peer peer : known) {
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
                    if (ownerAbsent || self.helpers() == 0) {
                        unservable.add(node);
                    }
                } else if (isHelper(self, peer, known, now, ownerAbsent)) {
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

    /** Whether this node is one of the helpers of {@code owner}'s mailbox (it can serve it, checked by the caller). */
    private static boolean isHelper(Self self, Membership.Peer owner, List<Membership.Peer> known, Instant now,
            boolean ownerAbsent) {
        if (self.helpers() == 0 || ownerAbsent || owner.behind(now)) {
            return true;
        }
        Heartbeat mailbox = owner.last();
        List<String> able = new ArrayList<>();
        able.add(self.name());
        for (Membership.Peer peer : known) {
            Heartbeat beat = peer.last();
            boolean live = peer.state() == PeerState.UP || peer.state() == PeerState.SUSPECT;
            if (live && beat.isWorker() && !beat.node().equals(mailbox.node()) && !beat.node().equals(self.name())
                    && beat.checksHealthy() && beat.checks().keySet().containsAll(mailbox.required())
                    && Objects.equals(beat.configHash(), mailbox.configHash())) {
                able.add(beat.node());
            }
        }
        return Helpers.choose(mailbox.node(), able, self.helpers()).contains(self.name());
    }
}
