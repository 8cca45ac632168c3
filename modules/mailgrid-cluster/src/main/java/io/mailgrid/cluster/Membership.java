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
 * <p>Lateness is measured on this node's clock, from when heartbeats arrive: a peer's own clock
 * (the heartbeat's {@code sentAt}) never decides whether it is alive, so a peer whose clock is
 * ahead or behind is judged like any other (issue 10 case 9). A peer known only from the status
 * queue counts as seen when this node started listening: it is DOWN once the timeout passes
 * without a heartbeat from it.
 *
 * <p>A DOWN (or stopped) peer silent for longer than the forget-after time can be
 * {@link #forget forgotten}; the caller checks its queues are empty first.
 *
 * <p>Pure state: callers pass the time, so the state machine is tested without waiting.
 * Not thread-safe; the cluster loop owns it.
 */
public final class Membership {

    /**
     * What is known about one peer.
     *
     * @param last         its latest heartbeat
     * @param lastSeen     when that heartbeat arrived (this node's clock); for a peer learned from
     *                     the status queue, when this node started listening
     * @param state        the current conclusion
     * @param learnedAge   for a peer learned from the status queue, how old its heartbeat was by its
     *                     own clock when learned (only an estimate, used for forgetting and display);
     *                     null once a heartbeat of it arrived
     * @param behindUntil  until when its mailbox counts as falling behind (a heartbeat said so, plus
     *                     {@link #WIDEN_FOR} intervals), or null
     */
    public record Peer(Heartbeat last, Instant lastSeen, PeerState state, Duration learnedAge, Instant behindUntil) {

        /** A peer whose heartbeat arrived at {@code lastSeen}. */
        public Peer(Heartbeat last, Instant lastSeen, PeerState state) {
            this(last, lastSeen, state, null, null);
        }

        /** A peer whose mailbox is not behind. */
        public Peer(Heartbeat last, Instant lastSeen, PeerState state, Duration learnedAge) {
            this(last, lastSeen, state, learnedAge, null);
        }

        /** Whether its mailbox falls behind (or did so recently), so its helpers widen to every worker. */
        public boolean behind(Instant now) {
            return behindUntil != null && now.isBefore(behindUntil);
        }

        /** How long ago the last heartbeat arrived (or this node started listening for a learned peer). */
        public Duration age(Instant now) {
            return Duration.between(lastSeen, now).isNegative() ? Duration.ZERO : Duration.between(lastSeen, now);
        }

        /** How long the peer has been silent, best estimate: {@link #age} plus its learned age. */
        public Duration silence(Instant now) {
            return learnedAge == null ? age(now) : age(now).plus(learnedAge);
        }

        /**
         * The state to show for it: what its heartbeats say, except that a peer which said LEAVING and
         * stayed silent for the heartbeat timeout has stopped, and counts as DOWN.
         */
        public PeerState shown(Instant now, Duration timeout) {
            return state == PeerState.LEAVING && age(now).compareTo(timeout) >= 0 ? PeerState.DOWN : state;
        }

        /** Whether a heartbeat of it arrived (rather than only being read from the status queue). */
        public boolean heard() {
            return learnedAge == null;
        }
    }

    /** A change of a peer's state, for logging and reacting. */
    public record Change(String node, PeerState from, PeerState to) {
    }

    /**
     * How many heartbeat intervals a mailbox counts as behind after a heartbeat said so: long enough that
     * helpers do not start and stop with every heartbeat while a backlog drains.
     */
    public static final int WIDEN_FOR = 10;

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
        Instant behindUntil = heartbeat.behind() ? receivedAt.plus(interval.multipliedBy(WIDEN_FOR))
                : known == null ? null : known.behindUntil();
        peers.put(heartbeat.node(), new Peer(heartbeat, receivedAt, now, null, behindUntil));
        return before == now ? Optional.empty() : Optional.of(new Change(heartbeat.node(), before, now));
    }

    /**
     * Records a peer's last known status read from the last-value queue when this node starts
     * listening ({@code now}). Its age by the peer's own clock is kept only as an estimate of how
     * long it has been silent: the peer counts as seen now, and is DOWN only once the timeout passes
     * without a heartbeat arriving from it.
     */
    public Optional<Change> learned(Heartbeat heartbeat, Duration age, Instant now) {
        if (heartbeat.node().equals(self) || peers.containsKey(heartbeat.node())) {
            return Optional.empty();
        }
        peers.put(heartbeat.node(), new Peer(heartbeat, now, announced(heartbeat), age.isNegative() ? Duration.ZERO : age));
        return Optional.of(new Change(heartbeat.node(), null, peers.get(heartbeat.node()).state()));
    }

    /**
     * The peers that may be forgotten: DOWN, or stopped (LEAVING) and silent past the timeout, and
     * silent for at least {@code forgetAfter}. Nothing when {@code forgetAfter} is zero.
     */
    public List<String> forgettable(Instant now, Duration forgetAfter) {
        List<String> nodes = new ArrayList<>();
        if (forgetAfter.isZero()) {
            return nodes;
        }
        peers.forEach((node, peer) -> {
            if (peer.shown(now, timeout) == PeerState.DOWN && peer.silence(now).compareTo(forgetAfter) >= 0) {
                nodes.add(node);
            }
        });
        return nodes;
    }

    /** Drops a peer from the table; it comes back with its next heartbeat. Returns whether it was known. */
    public boolean forget(String node) {
        return peers.remove(node) != null;
    }

    /** Re-evaluates every peer against the clock; returns the peers whose state changed. */
    public List<Change> evaluate(Instant now) {
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, Peer> entry : peers.entrySet()) {
            Peer peer = entry.getValue();
            PeerState next = stateAt(peer, now);
            if (next != peer.state()) {
                changes.add(new Change(entry.getKey(), peer.state(), next));
                entry.setValue(new Peer(peer.last(), peer.lastSeen(), next, peer.learnedAge(), peer.behindUntil()));
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
