package io.mailgrid.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
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

import io.mailgrid.core.BrokerLogin;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.ConfigException;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.NodeSettings;
import io.mailgrid.core.QueueDepths;
import io.mailgrid.core.Queues;
import io.mailgrid.core.RequiredChecks;

/**
 * A node's part in the cluster: publishes its heartbeat, keeps the membership table from its
 * peers' heartbeats, follows operator commands (maintenance), and makes the node's routes match
 * the {@link TakeoverPlan}: which mailboxes to grab at which priority, whose outbound queue to
 * deliver.
 *
 * <p>Two threads: {@code mailgrid-cluster} ticks (heartbeat every interval, membership and plan
 * four times per interval); {@code mailgrid-takeover} starts and stops routes, which may wait for
 * in-flight mails, and forgets peers gone for {@code mailgrid.cluster.forget-after} whose queues are
 * empty, without delaying heartbeats.
 */
public final class ClusterAgent implements AutoCloseable {

    /** What the agent needs from the node to change its routes. */
    public interface Routes {
        /**
         * Grabs a node's mailbox at a consumer priority, taking only mail whose required checks this
         * node's chain runs; {@code acceptUnmarked} also takes mail without them (published by an
         * older Mailgrid), for the own mailbox and peers under the same policy.
         */
        void grab(String mailboxNode, int priority, boolean acceptUnmarked) throws Exception;

        void stopGrabbing(String mailboxNode) throws Exception;

        /**
         * Delivers a peer's outbound queue where the peer itself would (its own Maildir, the same
         * relay); returns why its mail waits for it instead, or empty when delivering.
         */
        Optional<String> deliverFor(String peer, String peerTarget) throws Exception;

        void stopDeliveringFor(String peer) throws Exception;
    }

    /** What the agent reads of the node's work for its heartbeat. */
    public interface Workload {
        /** Mails being processed right now. */
        int inFlight();

        /** Mails processed since the node started. */
        long processed();

        /** Mails from this node's own mailbox being processed right now (all its grabbers busy: it falls behind). */
        default int inFlightOwn() {
            return inFlight();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ClusterAgent.class);

    private final MailgridConfig config;
    private final NodeSettings settings;
    private final ConnectionFactory factory;
    private final Routes routes;
    private final Workload workload;
    private final Supplier<Map<String, Boolean>> checks;
    private volatile Supplier<Map<String, String>> checkVersions = Map::of;
    private final Clock clock;
    private final Duration interval;
    private final Duration timeout;
    private final int capacity;
    private final String deliveryTarget;
    private final boolean helpPeers;
    private final int helpers;
    private final boolean takeoverOnDrift;
    private final Duration forgetAfter;
    private final RequiredChecks required;
    private final String configHash;
    private final Membership membership;
    private final HeartbeatChannel heartbeats;
    private final ControlChannel control;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            task -> daemon(task, "mailgrid-cluster"));
    private final ScheduledExecutorService applier = Executors.newSingleThreadScheduledExecutor(
            task -> daemon(task, "mailgrid-takeover"));
    private final long startedAt;
    /**
     * When the status queue is read once more after the start, or null once it was: on a cluster of live
     * brokers a peer's status is bridged to this node's broker and may arrive after the first read, while
     * the peer's heartbeat never came here (docs/adr/0007).
     */
    private volatile Instant readStatusAgainAt;

    private long sequence;
    private volatile boolean maintenanceRequested;
    private volatile boolean leaving;
    private volatile NodeState state = NodeState.STARTING;
    private volatile String reason;
    private volatile TakeoverPlan applied = new TakeoverPlan(Map.of(), Set.of(), Set.of());
    private final AtomicReference<TakeoverPlan> desired = new AtomicReference<>();
    private final AtomicBoolean applying = new AtomicBoolean();
    private final AtomicBoolean forgetting = new AtomicBoolean();
    /** When each forgettable peer's queues may be looked at again (not every tick while they hold mail). */
    private final Map<String, Instant> nextForgetCheck = new HashMap<>();
    /** Peers this node should deliver for but does not, with why (shown in its heartbeat). */
    private final Map<String, String> waitingFor = new ConcurrentSkipListMap<>();

    /**
     * @param required   the checks every mail this node accepts requires, announced in its heartbeat
     * @param policyHash the node's {@link ConfigHash}, announced in its heartbeat
     */
    public ClusterAgent(MailgridConfig config, NodeSettings settings, ConnectionFactory factory, Routes routes,
            Workload workload, Supplier<Map<String, Boolean>> checks, RequiredChecks required,
            String policyHash, String deliveryTarget, Clock clock) {
        this.config = config;
        this.settings = settings;
        this.factory = factory;
        this.routes = routes;
        this.workload = workload;
        this.checks = checks;
        this.clock = clock;
        this.interval = config.duration(ClusterSettingsCatalog.HEARTBEAT_INTERVAL);
        this.capacity = settings.role() == NodeSettings.Role.WORKER ? config.integer(CoreSettingsCatalog.GRABBER_CONSUMERS, 1) : 0;
        this.deliveryTarget = deliveryTarget;
        this.helpPeers = config.bool(ClusterSettingsCatalog.CLUSTER_HELP_PEERS);
        this.helpers = config.integer(ClusterSettingsCatalog.HELPERS, 0);
        this.takeoverOnDrift = config.bool(ClusterSettingsCatalog.CLUSTER_TAKEOVER_ON_DRIFT);
        this.required = required;
        this.timeout = config.duration(ClusterSettingsCatalog.HEARTBEAT_TIMEOUT);
        this.forgetAfter = config.duration(ClusterSettingsCatalog.CLUSTER_FORGET_AFTER);
        if (!forgetAfter.isZero() && forgetAfter.compareTo(timeout) <= 0) {
            throw new ConfigException(ClusterSettingsCatalog.CLUSTER_FORGET_AFTER + ": must be 0 (never) or longer than "
                    + ClusterSettingsCatalog.HEARTBEAT_TIMEOUT + " (" + timeout.toMillis() + " ms), got " + forgetAfter.toMillis() + " ms");
        }
        this.configHash = policyHash;
        this.membership = new Membership(settings.name(), interval, timeout);
        // a heartbeat later than the timeout is worthless, and a full broker disk must not hold the start or the stop
        this.heartbeats = new HeartbeatChannel(factory, timeout);
        this.control = new ControlChannel(factory);
        this.startedAt = clock.millis();
    }

    /**
     * Announces the node, learns the cluster, applies the first plan (own grabber), then ticks.
     *
     * <p>It listens for heartbeats before it reads the status queue, and a node stores its status
     * before it sends its heartbeat ({@link HeartbeatChannel#publish}): a peer starting at the same
     * moment is either heard or already in the status read, so it is known even if it dies before its
     * next heartbeat. Read the other way round, a peer announcing itself between the read and the
     * subscription was never known, and its mailbox never taken over. A status read after a heartbeat
     * of the same peer changes nothing ({@link Membership#learned}). The status queue is read once more
     * a heartbeat timeout after the start, for statuses bridged from another broker of a cluster.
     */
    public void start() throws Exception {
        heartbeats.publish(heartbeat());
        heartbeats.listen(this::heard, this::forgottenByOperator);
        learnFromStatusQueue();
        readStatusAgainAt = clock.instant().plus(timeout);
        control.listen(settings.name(), this::command);
        apply(plan());
        long period = Math.max(50, interval.toMillis() / 4);
        ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
        LOG.info("Cluster: node {} is {}, policy hash {}, {} known peers", settings.name(), state, configHash,
                membership.peers().size());
    }

    /** The policy hash this node announces. */
    public String configHash() {
        return configHash;
    }

    public NodeState state() {
        return state;
    }

    /** Learns the peers in the status queue that are not known yet (a known peer stays as it is). */
    private void learnFromStatusQueue() {
        Instant now = clock.instant();
        for (HeartbeatChannel.Status status : HeartbeatChannel.readStatus(factory, now)) {
            synchronized (this) {
                membership.learned(status.heartbeat(), status.age(), now).ifPresent(this::logChange);
            }
        }
    }

    private long ticks;

    private void tick() {
        try {
            Instant again = readStatusAgainAt;
            if (again != null && !clock.instant().isBefore(again)) {
                readStatusAgainAt = null;
                try {
                    learnFromStatusQueue();
                } catch (RuntimeException e) {
                    LOG.warn("Could not read the status queue again after the start (peers that die unheard stay unknown): {}",
                            e.toString());
                }
            }
            synchronized (this) {
                membership.evaluate(clock.instant()).forEach(this::logChange);
            }
            request(plan());
            if (ticks++ % 4 == 0) {
                heartbeats.publish(heartbeat());
                forgetGonePeers();
            }
        } catch (RuntimeException e) {
            LOG.warn("Cluster tick failed: {}", e.toString());
        }
    }

    private synchronized void heard(Heartbeat heartbeat) {
        membership.heard(heartbeat, clock.instant()).ifPresent(this::logChange);
    }

    private void forgottenByOperator(String node) {
        boolean known;
        synchronized (this) {
            known = membership.forget(node);
        }
        if (known) {
            LOG.info("Forgot peer {} (mailgrid forget): its queues are no longer consumed here", node);
            request(plan());
        }
    }

    /**
     * Forgets peers silent for {@code mailgrid.cluster.forget-after} whose mailbox and outbound queue
     * are empty (looked at on the takeover thread, at most once a minute per peer while they hold mail).
     */
    private void forgetGonePeers() {
        Instant now = clock.instant();
        List<String> candidates;
        synchronized (this) {
            candidates = membership.forgettable(now, forgetAfter).stream()
                    .filter(node -> !now.isBefore(nextForgetCheck.getOrDefault(node, Instant.MIN))).toList();
        }
        if (candidates.isEmpty() || !forgetting.compareAndSet(false, true)) {
            return;
        }
        applier.execute(() -> {
            try (BrokerManagement management = BrokerManagement.connect(config, BrokerLogin.NODE)) {
                for (String node : candidates) {
                    Map<String, Long> depths = QueueDepths.of(management, List.of(Queues.mailbox(node), Queues.outbound(node)));
                    boolean empty = depths.values().stream().allMatch(n -> n == 0);
                    boolean forgotten = false;
                    synchronized (this) {
                        nextForgetCheck.put(node, clock.instant().plus(Duration.ofMinutes(1)));
                        // still gone? it may have sent a heartbeat meanwhile
                        if (empty && membership.forgettable(clock.instant(), forgetAfter).contains(node)) {
                            forgotten = membership.forget(node);
                            nextForgetCheck.remove(node);
                        }
                    }
                    if (forgotten) {
                        HeartbeatChannel.removeStatus(management, node);
                        LOG.info("Forgot peer {}: silent for more than {} with an empty mailbox and outbound queue",
                                node, forgetAfter);
                        request(plan());
                    } else if (!empty) {
                        LOG.debug("Peer {} is gone but its queues hold mail ({}): not forgotten yet", node, depths);
                    }
                }
            } catch (Exception e) {
                LOG.warn("Could not check whether gone peers {} can be forgotten, retrying: {}", candidates, e.toString());
            } finally {
                forgetting.set(false);
            }
        });
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
                next, healthy, configHash, helpPeers, takeoverOnDrift, health.keySet(), helpers);
        synchronized (this) {
            return TakeoverPlan.of(self, membership.peers(), clock.instant());
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
        Set<String> drifted = new TreeSet<>(applied.drifted());
        logUnservable(plan);
        try {
            for (Map.Entry<String, Integer> current : applied.grab().entrySet()) {
                String node = current.getKey();
                Integer wanted = plan.grab().get(node);
                // a grabber's selector depends on the mailbox owner's policy (unmarked mail): restart on a change
                if (!current.getValue().equals(wanted) || drifted.contains(node) != plan.drifted().contains(node)) {
                    routes.stopGrabbing(node);
                    grabbing.remove(node);
                    drifted.remove(node);
                    LOG.info("Stopped grabbing mailbox of {}", node);
                }
            }
            for (Map.Entry<String, Integer> wanted : plan.grab().entrySet()) {
                String node = wanted.getKey();
                if (!wanted.getValue().equals(grabbing.get(node))) {
                    boolean acceptUnmarked = node.equals(settings.name()) || !plan.drifted().contains(node);
                    routes.grab(node, wanted.getValue(), acceptUnmarked);
                    grabbing.put(node, wanted.getValue());
                    if (!acceptUnmarked) {
                        drifted.add(node);
                    }
                    logGrab(node, wanted.getValue(), plan);
                }
            }
            for (String peer : applied.deliver()) {
                if (!plan.deliver().contains(peer)) {
                    routes.stopDeliveringFor(peer);
                    delivering.remove(peer);
                    waitingFor.remove(peer);
                    LOG.info("Stopped delivering outbound mail of {}: {}", peer,
                            describePeer(peer).equals("unknown") ? "it is forgotten" : "it is back");
                }
            }
            for (String peer : plan.deliver()) {
                if (!delivering.contains(peer)) {
                    String target;
                    synchronized (this) {
                        target = membership.peer(peer).map(p -> p.last().delivery()).orElse(null);
                    }
                    Optional<String> waits = routes.deliverFor(peer, target);
                    delivering.add(peer);
                    if (waits.isPresent()) {
                        waitingFor.put(peer, waits.get());
                        LOG.warn("Not delivering outbound mail of {} ({}): {}; it waits for {}", peer, describePeer(peer),
                                waits.get(), peer);
                    } else {
                        LOG.info("Delivering outbound mail of {} ({}) while it is away", peer, describePeer(peer));
                    }
                }
            }
        } catch (Exception e) {
            LOG.warn("Could not apply the takeover plan, retrying: {}", e.toString());
        } finally {
            drifted.retainAll(grabbing.keySet());
            applied = new TakeoverPlan(grabbing, delivering, drifted, plan.unservable());
        }
    }

    /** Says once, when it changes, which peers' mail waits because this node's chain lacks a check it requires. */
    private void logUnservable(TakeoverPlan plan) {
        for (String node : plan.unservable()) {
            if (!applied.unservable().contains(node)) {
                String missing;
                synchronized (this) {
                    missing = membership.peer(node).map(p -> String.join(", ",
                            RequiredChecks.of(p.last().required()).missingFrom(checks.get().keySet()))).orElse("?");
                }
                LOG.warn("Not taking over mailbox of {} ({}): its mail requires {}, which this node's policy chain lacks;"
                        + " it waits for a node that runs every check it requires", node, describePeer(node), missing);
            }
        }
        for (String node : applied.unservable()) {
            if (!plan.unservable().contains(node)) {
                LOG.info("Mailbox of {} no longer needs this node", node);
            }
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
        if (why == null && !waitingFor.isEmpty()) {
            StringBuilder waiting = new StringBuilder();
            waitingFor.forEach((peer, reason) -> waiting.append(waiting.length() == 0 ? "" : "; ")
                    .append("outbound mail of ").append(peer).append(" waits for it: ").append(reason));
            why = waiting.toString();
        }
        boolean behind = capacity > 0 && announced == NodeState.UP && workload.inFlightOwn() >= capacity;
        return new Heartbeat(settings.name(), settings.role().wireName(), announced, why, ++sequence,
                startedAt, clock.millis(), workload.inFlight(), capacity, workload.processed(), checks.get(),
                configHash, deliveryTarget, List.copyOf(required.names()),
                checkVersions.get(), null, behind);
    }

    /** What the node's checks scan with, sent in every heartbeat for {@code mailgrid status}. */
    public void checkVersions(Supplier<Map<String, String>> versions) {
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
    public TakeoverPlan applied() {
        return applied;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Known peers with their state, for tests and logs. */
    public synchronized Map<String, String> peers() {
        Map<String, String> result = new LinkedHashMap<>();
        List.copyOf(membership.peers()).forEach(p -> result.put(p.last().node(), p.state().name()));
        return result;
    }
}
