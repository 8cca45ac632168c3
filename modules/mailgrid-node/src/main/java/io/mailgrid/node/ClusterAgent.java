package io.mailgrid.node;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSRuntimeException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mailgrid.cluster.ConfigHash;
import io.mailgrid.cluster.ControlChannel;
import io.mailgrid.cluster.Heartbeat;
import io.mailgrid.cluster.HeartbeatChannel;
import io.mailgrid.cluster.Membership;
import io.mailgrid.cluster.NodeState;
import io.mailgrid.cluster.TakeoverPlan;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.NodeSettings;

/**
 * A node's part in the cluster: publishes its heartbeat, keeps the membership table from its
 * peers' heartbeats, follows operator commands (maintenance), and makes the node's routes match
 * the {@link TakeoverPlan}: which mailboxes to grab at which priority, whose outbound queue to
 * deliver.
 *
 * <p>Two threads: {@code mailgrid-cluster} ticks (heartbeat every interval, membership and plan
 * four times per interval); {@code mailgrid-takeover} starts and stops routes, which may wait for
 * in-flight mails, without delaying heartbeats.
 */
final class ClusterAgent implements AutoCloseable {

    /** What the agent needs from the node to change its routes. */
    interface Routes {
        void grab(String mailboxNode, int priority) throws Exception;

        void stopGrabbing(String mailboxNode) throws Exception;

        /** Delivers a peer's outbound queue, into the peer's own target when reachable. */
        void deliverFor(String peer, String peerTarget) throws Exception;

        void stopDeliveringFor(String peer) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ClusterAgent.class);

    private final NodeSettings settings;
    private final ConnectionFactory factory;
    private final Routes routes;
    private final Reservation reservation;
    private final Supplier<Map<String, Boolean>> checks;
    private volatile Supplier<Map<String, String>> checkVersions = Map::of;
    private final Clock clock;
    private final Duration interval;
    private final int capacity;
    private final String deliveryTarget;
    private final boolean helpPeers;
    private final boolean takeoverOnDrift;
    private final String configHash;
    private final Membership membership;
    private final HeartbeatChannel heartbeats;
    private final ControlChannel control;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            task -> daemon(task, "mailgrid-cluster"));
    private final ScheduledExecutorService applier = Executors.newSingleThreadScheduledExecutor(
            task -> daemon(task, "mailgrid-takeover"));
    private final long startedAt;

    private long sequence;
    private volatile boolean maintenanceRequested;
    private volatile boolean leaving;
    private volatile NodeState state = NodeState.STARTING;
    private volatile String reason;
    private volatile TakeoverPlan applied = new TakeoverPlan(Map.of(), Set.of(), Set.of());
    private final AtomicReference<TakeoverPlan> desired = new AtomicReference<>();
    private final AtomicBoolean applying = new AtomicBoolean();

    ClusterAgent(MailgridConfig config, NodeSettings settings, ConnectionFactory factory, Routes routes,
            Reservation reservation, Supplier<Map<String, Boolean>> checks, String deliveryTarget, Clock clock) {
        this.settings = settings;
        this.factory = factory;
        this.routes = routes;
        this.reservation = reservation;
        this.checks = checks;
        this.clock = clock;
        this.interval = config.duration(MailgridConfig.HEARTBEAT_INTERVAL);
        this.capacity = settings.role() == NodeSettings.Role.WORKER ? config.integer(MailgridConfig.GRABBER_CONSUMERS, 1) : 0;
        this.deliveryTarget = deliveryTarget;
        this.helpPeers = config.bool(MailgridConfig.CLUSTER_HELP_PEERS);
        this.takeoverOnDrift = config.bool(MailgridConfig.CLUSTER_TAKEOVER_ON_DRIFT);
        this.configHash = ConfigHash.of(Path.of(config.string(MailgridConfig.ROUTES_DIR)), config.asMap());
        this.membership = new Membership(settings.name(), interval, config.duration(MailgridConfig.HEARTBEAT_TIMEOUT));
        this.heartbeats = new HeartbeatChannel(factory);
        this.control = new ControlChannel(factory);
        this.startedAt = clock.millis();
    }

    /** Announces the node, learns the cluster, applies the first plan (own grabber), then ticks. */
    void start() throws Exception {
        heartbeats.publish(heartbeat());
        Instant now = clock.instant();
        for (HeartbeatChannel.Status status : HeartbeatChannel.readStatus(factory, now)) {
            synchronized (this) {
                membership.learned(status.heartbeat(), status.age(), now).ifPresent(this::logChange);
            }
        }
        heartbeats.listen(this::heard);
        control.listen(settings.name(), this::command);
        apply(plan());
        long period = Math.max(50, interval.toMillis() / 4);
        ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        LOG.info("Cluster: node {} is {}, policy hash {}, {} known peers", settings.name(), state, configHash,
                membership.peers().size());
    }

    /** The policy hash this node announces. */
    String configHash() {
        return configHash;
    }

    NodeState state() {
        return state;
    }

    private long ticks;

    private void tick() {
        try {
            synchronized (this) {
                membership.evaluate(clock.instant()).forEach(this::logChange);
            }
            request(plan());
            if (ticks++ % 4 == 0) {
                heartbeats.publish(heartbeat());
            }
        } catch (RuntimeException e) {
            LOG.warn("Cluster tick failed: {}", e.toString());
        }
    }

    private synchronized void heard(Heartbeat heartbeat) {
        membership.heard(heartbeat, clock.instant()).ifPresent(this::logChange);
    }

    private void command(ControlChannel.Command command) {
        if (command.maintenance() != maintenanceRequested) {
            maintenanceRequested = command.maintenance();
            LOG.info("Maintenance {} (requested by {})", command.maintenance() ? "ON" : "OFF", command.requestedBy());
            heartbeats.publish(heartbeat());
            request(plan());
        }
    }

    private TakeoverPlan plan() {
        Map<String, Boolean> health = checks.get();
        boolean healthy = health.values().stream().allMatch(Boolean::booleanValue);
        NodeState next;
        String why = null;
        if (leaving) {
            next = NodeState.LEAVING;
        } else if (maintenanceRequested) {
            next = NodeState.MAINTENANCE;
            why = "maintenance requested";
        } else if (!healthy) {
            next = NodeState.MAINTENANCE;
            Set<String> missing = new TreeSet<>();
            health.forEach((name, ok) -> {
                if (!ok) {
                    missing.add(name);
                }
            });
            why = "check unavailable: " + String.join(", ", missing);
        } else {
            next = NodeState.UP;
        }
        if (next != state || (why != null && !why.equals(reason))) {
            LOG.info("Node {} is now {}{}", settings.name(), next, why == null ? "" : " (" + why + ")");
        }
        state = next;
        reason = why;
        TakeoverPlan.Self self = new TakeoverPlan.Self(settings.name(), settings.role() == NodeSettings.Role.WORKER,
                next, healthy, configHash, helpPeers, takeoverOnDrift);
        synchronized (this) {
            return TakeoverPlan.of(self, membership.peers());
        }
    }

    /** Asks the takeover thread to reach this plan; while it is busy, only the latest plan counts. */
    private void request(TakeoverPlan plan) {
        desired.set(plan);
        if (!plan.equals(applied) && applying.compareAndSet(false, true)) {
            applier.execute(() -> {
                try {
                    TakeoverPlan next;
                    while ((next = desired.get()) != null && !next.equals(applied)) {
                        apply(next);
                        if (next == desired.get()) {
                            break;
                        }
                    }
                } finally {
                    applying.set(false);
                }
            });
        }
    }

    /** Makes the routes match the plan; runs on the takeover thread only. */
    private void apply(TakeoverPlan plan) {
        Map<String, Integer> grabbing = new HashMap<>(applied.grab());
        Set<String> delivering = new TreeSet<>(applied.deliver());
        try {
            for (Map.Entry<String, Integer> current : applied.grab().entrySet()) {
                Integer wanted = plan.grab().get(current.getKey());
                if (!current.getValue().equals(wanted)) {
                    routes.stopGrabbing(current.getKey());
                    grabbing.remove(current.getKey());
                    LOG.info("Stopped grabbing mailbox of {}", current.getKey());
                }
            }
            for (Map.Entry<String, Integer> wanted : plan.grab().entrySet()) {
                if (!wanted.getValue().equals(grabbing.get(wanted.getKey()))) {
                    routes.grab(wanted.getKey(), wanted.getValue());
                    grabbing.put(wanted.getKey(), wanted.getValue());
                    logGrab(wanted.getKey(), wanted.getValue(), plan);
                }
            }
            for (String peer : applied.deliver()) {
                if (!plan.deliver().contains(peer)) {
                    routes.stopDeliveringFor(peer);
                    delivering.remove(peer);
                    LOG.info("Stopped delivering outbound mail of {}: it is back", peer);
                }
            }
            for (String peer : plan.deliver()) {
                if (!delivering.contains(peer)) {
                    String target;
                    synchronized (this) {
                        target = membership.peer(peer).map(p -> p.last().delivery()).orElse(null);
                    }
                    routes.deliverFor(peer, target);
                    delivering.add(peer);
                    LOG.info("Delivering outbound mail of {} ({}) while it is away", peer, describePeer(peer));
                }
            }
        } catch (Exception e) {
            LOG.warn("Could not apply the takeover plan, retrying: {}", e.toString());
        } finally {
            Set<String> drifted = new TreeSet<>(plan.drifted());
            drifted.retainAll(grabbing.keySet());
            applied = new TakeoverPlan(grabbing, delivering, drifted);
        }
    }

    private void logGrab(String node, int priority, TakeoverPlan plan) {
        if (node.equals(settings.name())) {
            LOG.info("Grabbing own mailbox at priority {}", priority);
        } else if (plan.drifted().contains(node)) {
            LOG.warn("Taking over mailbox of {} ({}) although its policy hash differs from ours ({}): its mail is "
                    + "checked under THIS node's policy", node, describePeer(node), configHash);
        } else {
            LOG.info("Grabbing mailbox of {} ({}) at helper priority {}", node, describePeer(node), priority);
        }
    }

    private synchronized String describePeer(String node) {
        return membership.peer(node).map(p -> p.state().name().toLowerCase()).orElse("unknown");
    }

    private void logChange(Membership.Change change) {
        if (change.from() == null) {
            LOG.info("Peer {} seen: {}", change.node(), change.to());
        } else {
            LOG.info("Peer {} {} -> {}", change.node(), change.from(), change.to());
        }
    }

    private Heartbeat heartbeat() {
        // MAINTENANCE is announced only once the grabbers have stopped, so whoever waits for it
        // (./mailgrid maintenance) knows this node checks no more mail
        NodeState announced = state;
        String why = reason;
        if (announced == NodeState.MAINTENANCE && !applied.grab().isEmpty()) {
            announced = NodeState.UP;
            why = "entering maintenance: finishing in-flight mails";
        }
        return new Heartbeat(settings.name(), settings.role().name().toLowerCase(), announced, why, ++sequence,
                startedAt, clock.millis(), reservation.inFlight(), capacity, reservation.processed(), checks.get(),
                configHash, deliveryTarget, checkVersions.get());
    }

    /** What the node's checks scan with, sent in every heartbeat for {@code mailgrid status}. */
    void checkVersions(Supplier<Map<String, String>> versions) {
        this.checkVersions = versions;
    }

    /** Says LEAVING, so peers take over at once, and stops ticking. Routes stop with Camel afterwards. */
    @Override
    public void close() {
        leaving = true;
        state = NodeState.LEAVING;
        ticker.shutdownNow();
        applier.shutdownNow();
        try {
            heartbeats.publishIfConnected(heartbeat());
        } catch (JMSRuntimeException e) {
            LOG.debug("No LEAVING heartbeat: {}", e.getMessage());
        }
        heartbeats.close();
        control.close();
    }

    /** The plan currently applied, for tests. */
    TakeoverPlan applied() {
        return applied;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Known peers with their state, for tests and logs. */
    synchronized Map<String, String> peers() {
        Map<String, String> result = new LinkedHashMap<>();
        List.copyOf(membership.peers()).forEach(p -> result.put(p.last().node(), p.state().name()));
        return result;
    }
}
