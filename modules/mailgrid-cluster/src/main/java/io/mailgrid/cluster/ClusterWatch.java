package io.mailgrid.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.jms.ConnectionFactory;

import io.mailgrid.core.MailgridConfig;

/**
 * The nodes as a command sees them ({@code status}, {@code maintenance --wait}, {@code forget}):
 * every node's latest heartbeat from the status queue, judged by when its heartbeats arrive while
 * the command listens, exactly as a node's own {@link Membership} judges its peers. A node's own
 * clock never decides whether it is alive (issue 10 case 9): a node heard within the heartbeat
 * timeout is alive whatever time it wrote into its heartbeat, and a node is DOWN only once the
 * timeout passed on this clock without a heartbeat from it.
 *
 * <p>{@link #awaitSettled()} returns once every node from the status queue has been heard and the
 * watch has listened for a full round of heartbeats (one and a half intervals), or after the
 * heartbeat timeout when one stays silent. The full round matters on a cluster of several live
 * brokers: a status published through another broker reaches this broker's status queue a moment
 * after the heartbeat (through the cluster bridge), while heartbeats reach every broker
 * (docs/adr/0030).
 */
public final class ClusterWatch implements AutoCloseable {

    private final Membership membership;
    private final Clock clock;
    private final Duration timeout;
    private final Duration round;
    private final Instant since;
    private final HeartbeatChannel channel;

    private ClusterWatch(ConnectionFactory factory, Duration interval, Duration timeout, Clock clock) {
        this.membership = new Membership("", interval, timeout);
        this.clock = clock;
        this.timeout = timeout;
        Duration oneAndAHalf = interval.plus(interval.dividedBy(2));
        this.round = oneAndAHalf.compareTo(timeout) < 0 ? oneAndAHalf : timeout;
        this.channel = new HeartbeatChannel(factory);
        this.since = clock.instant();
        try {
            // listen first, then read the status queue: no heartbeat can fall between the two
            channel.listen(this::heard, this::forgotten);
            for (HeartbeatChannel.Status status : HeartbeatChannel.readStatus(factory, since)) {
                synchronized (this) {
                    membership.learned(status.heartbeat(), status.age(), since);
                }
            }
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Starts listening to heartbeats and reads the status queue.
     *
     * @param interval how often nodes send heartbeats
     * @param timeout  silence after which a node is DOWN
     */
    public static ClusterWatch start(ConnectionFactory factory, Duration interval, Duration timeout, Clock clock) {
        return new ClusterWatch(factory, interval, timeout, clock);
    }

    /** Starts listening with the heartbeat interval and timeout of these settings. */
    public static ClusterWatch start(ConnectionFactory factory, MailgridConfig config, Clock clock) {
        return start(factory, config.duration(ClusterSettingsCatalog.HEARTBEAT_INTERVAL),
                config.duration(ClusterSettingsCatalog.HEARTBEAT_TIMEOUT), clock);
    }

    private synchronized void heard(Heartbeat heartbeat) {
        membership.heard(heartbeat, clock.instant());
        notifyAll();
    }

    private synchronized void forgotten(String node) {
        membership.forget(node);
        notifyAll();
    }

    /** Every known node as judged now, by name. */
    public synchronized List<Membership.Peer> nodes() {
        membership.evaluate(clock.instant());
        return List.copyOf(membership.peers());
    }

    /** The named node as judged now, if it is known. */
    public synchronized Optional<Membership.Peer> node(String name) {
        return nodes().stream().filter(peer -> peer.last().node().equals(name)).findFirst();
    }

    /**
     * Waits until a new heartbeat of the named node arrives, or at most {@code max}, then returns the
     * node as judged then: a command that follows one node wakes when there is news of it, and at
     * least every {@code max} to see it fall silent.
     */
    public synchronized Optional<Membership.Peer> awaitNews(String name, Duration max) throws InterruptedException {
        Heartbeat before = node(name).map(Membership.Peer::last).orElse(null);
        Instant until = clock.instant().plus(max);
        Optional<Membership.Peer> peer = node(name);
        while (peer.map(Membership.Peer::last).orElse(null) == before && clock.instant().isBefore(until)) {
            wait(Math.max(1, Math.min(Duration.between(clock.instant(), until).toMillis(), 100)));
            peer = node(name);
        }
        return peer;
    }

    /**
     * The state a command shows for a node: what its heartbeats say, except that a node which said
     * LEAVING and stayed silent for the heartbeat timeout has stopped, and counts as DOWN.
     */
    public PeerState shown(Membership.Peer peer) {
        return shown(peer, timeout, clock.instant());
    }

    /** {@link #shown(Membership.Peer)} for a report made at {@code now}. */
    public static PeerState shown(Membership.Peer peer, Duration timeout, Instant now) {
        return peer.shown(now, timeout);
    }

    /** The heartbeat timeout this watch judges by. */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Whether every node is judged on a heartbeat that arrived and a full round of heartbeats was
     * listened to, or the timeout passed since listening began.
     */
    public synchronized boolean settled() {
        Duration listened = Duration.between(since, clock.instant());
        return (membership.peers().stream().allMatch(Membership.Peer::heard) && listened.compareTo(round) >= 0)
                || listened.compareTo(timeout) >= 0;
    }

    /** Waits until {@link #settled()} (at most the heartbeat timeout), then returns the nodes. */
    public synchronized List<Membership.Peer> awaitSettled() throws InterruptedException {
        while (!settled()) {
            long left = timeout.minus(Duration.between(since, clock.instant())).toMillis();
            wait(Math.max(1, Math.min(left, 100)));
        }
        return nodes();
    }

    @Override
    public void close() {
        channel.close();
    }
}
