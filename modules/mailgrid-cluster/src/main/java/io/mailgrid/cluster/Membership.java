package io.mailgrid.cluster;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The membership table: every peer this node knows, its last heartbeat and what that means
 * now. UP turns SUSPECT when a heartbeat is late (twice the interval), and DOWN when none came
 * for the heartbeat timeout; a heartbeat saying LEAVING or MAINTENANCE is believed at once.
 *
 * <p>Pure state: callers pass the time, so the state machine is tested without waiting.
 * Not thread-safe; the cluster loop owns it.
 */
public final class Membership {

    /**
     * What is known about one peer.
     *
     * @param last     its latest heartbeat
     * @param lastSeen when that heartbeat arrived (this node's clock); for peers learned from
     *                 the status queue, an estimate from the heartbeat's age
     * @param state    the current conclusion
     */
    public record Peer(Heartbeat last, Instant lastSeen, PeerState state) {

        /** How long ago the last heartbeat arrived. */
        public Duration age(Instant now) {
            return Duration.between(lastSeen, now).isNegative() ? Duration.ZERO : Duration.between(lastSeen, now);
        }
    }

    /** A change of a peer's state, for logging and reacting. */
    public record Change(String node, PeerState from, PeerState to) {
    }

    private final String self;
    private final Duration interval;
    private final Duration timeout;
    private final Map<String, Peer> peers = new TreeMap<>();

    /**
     * @param self     this node's name (its own heartbeats are ignored)
     * @param interval how often nodes send heartbeats
     * @param timeout  silence after which a peer is DOWN
     */
    public Membership(String self, Duration interval, Duration timeout) {
        if (timeout.compareTo(interval) <= 0) {
            throw new IllegalArgumentException("heartbeat timeout (" + timeout + ") must be longer than the interval (" + interval + ")");
        }
        this.self = self;
        this.interval = interval;
        this.timeout = timeout;
    }

    /** Records a heartbeat that just arrived. Older heartbeats of the same run are ignored. */
    public Optional<Change> heard(Heartbeat heartbeat, Instant receivedAt) {
        if (heartbeat.node().equals(self)) {
            return Optional.empty();
        }
        Peer known = peers.get(heartbeat.node());
        if (known != null && isOlder(heartbeat, known.last())) {
            return Optional.empty();
        }
        PeerState before = known == null ? null : known.state();
        PeerState now = announced(heartbeat);
        peers.put(heartbeat.node(), new Peer(heartbeat, receivedAt, now));
        return before == now ? Optional.empty() : Optional.of(new Change(heartbeat.node(), before, now));
    }

    /**
     * Records a peer's last known status read from the last-value queue at start-up: its age
     * decides whether it counts as alive.
     */
    public Optional<Change> learned(Heartbeat heartbeat, Duration age, Instant now) {
        if (heartbeat.node().equals(self) || peers.containsKey(heartbeat.node())) {
            return Optional.empty();
        }
        Instant seen = now.minus(age.isNegative() ? Duration.ZERO : age);
        peers.put(heartbeat.node(), new Peer(heartbeat, seen, announced(heartbeat)));
        return evaluate(now).stream().filter(c -> c.node().equals(heartbeat.node())).findFirst()
                .or(() -> Optional.of(new Change(heartbeat.node(), null, peers.get(heartbeat.node()).state())));
    }

    /** Re-evaluates every peer against the clock; returns the peers whose state changed. */
    public List<Change> evaluate(Instant now) {
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, Peer> entry : peers.entrySet()) {
            Peer peer = entry.getValue();
            PeerState next = stateAt(peer, now);
            if (next != peer.state()) {
                changes.add(new Change(entry.getKey(), peer.state(), next));
                entry.setValue(new Peer(peer.last(), peer.lastSeen(), next));
            }
        }
        return changes;
    }

    /** Every known peer, by name. */
    public Collection<Peer> peers() {
        return List.copyOf(peers.values());
    }

    /** One peer, if known. */
    public Optional<Peer> peer(String node) {
        return Optional.ofNullable(peers.get(node));
    }

    private PeerState stateAt(Peer peer, Instant now) {
        PeerState announced = announced(peer.last());
        Duration age = peer.age(now);
        if (announced == PeerState.LEAVING) {
            return PeerState.LEAVING;
        }
        if (age.compareTo(timeout) >= 0) {
            return PeerState.DOWN;
        }
        if (age.compareTo(interval.multipliedBy(2)) > 0 && announced == PeerState.UP) {
            return PeerState.SUSPECT;
        }
        return announced;
    }

    private static PeerState announced(Heartbeat heartbeat) {
        return switch (heartbeat.state()) {
            case STARTING -> PeerState.STARTING;
            case UP -> PeerState.UP;
            case MAINTENANCE -> PeerState.MAINTENANCE;
            case LEAVING -> PeerState.LEAVING;
        };
    }

    private static boolean isOlder(Heartbeat candidate, Heartbeat known) {
        return candidate.startedAt() == known.startedAt() && candidate.sequence() <= known.sequence();
    }
}
