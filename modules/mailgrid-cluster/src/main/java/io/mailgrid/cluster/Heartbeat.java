package io.mailgrid.cluster;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailgrid.core.NodeSettings;

/**
 * One node's announcement of itself, published every heartbeat interval to the multicast
 * address {@code mailgrid.heartbeat} and kept per node in the last-value queue
 * {@code mailgrid.status}. Travels as JSON; field names are part of the wire format.
 *
 * @param node       node name
 * @param role       "worker" or "host"
 * @param state      what the node says it is doing
 * @param reason     why it is in that state (maintenance requested, check unavailable), or null
 * @param sequence   increases by one with every heartbeat of one run
 * @param startedAt  when the node started, epoch milliseconds
 * @param sentAt     when this heartbeat was sent, epoch milliseconds (sender's clock)
 * @param inFlight   mails its grabbers hold right now
 * @param capacity   mails its grabbers can hold at once (consumers for its own mailbox)
 * @param processed  mails its grabbers have finished since it started
 * @param checks     every check of its policy chain, true when available and healthy
 * @param configHash hash of its routes and policy settings: equal hashes mean equal policy
 * @param delivery   where its delivery puts mail, e.g. "maildir:/var/mailgrid/a/outbox"
 * @param required   the checks every mail it accepts requires (docs/adr/0018); a heartbeat of a node
 *                   older than that rule has none, and its chain counts
 * @param checkVersions what its checks scan with, by check name (clamd's version and signatures);
 *                   absent in heartbeats of older nodes
 * @param broker     the broker its heartbeat connection is on, as host:port seen from the node (on a
 *                   cluster of live brokers, which one; after a failover, the backup); null when unknown
 * @param behind     whether its own mailbox falls behind: every grabber on it was busy when this heartbeat
 *                   was sent, so its helpers widen to every worker for a while (docs/adr/0039); false in
 *                   heartbeats of older nodes
 */
public record Heartbeat(String node, String role, NodeState state, String reason, long sequence, long startedAt,
        long sentAt, int inFlight, int capacity, long processed, Map<String, Boolean> checks, String configHash,
        String delivery, List<String> required, Map<String, String> checkVersions, String broker, boolean behind) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public Heartbeat {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(state, "state");
        checks = checks == null ? Map.of() : Map.copyOf(new TreeMap<>(checks));
        required = List.copyOf(new TreeSet<>(required == null ? checks.keySet() : required));
        checkVersions = checkVersions == null ? Map.of() : Map.copyOf(checkVersions);
    }

    /** A heartbeat whose node requires the checks of its chain, without check versions. */
    public Heartbeat(String node, String role, NodeState state, String reason, long sequence, long startedAt,
            long sentAt, int inFlight, int capacity, long processed, Map<String, Boolean> checks, String configHash,
            String delivery) {
        this(node, role, state, reason, sequence, startedAt, sentAt, inFlight, capacity, processed, checks, configHash,
                delivery, null, Map.of());
    }

    /** A heartbeat of a node that is not behind. */
    public Heartbeat(String node, String role, NodeState state, String reason, long sequence, long startedAt,
            long sentAt, int inFlight, int capacity, long processed, Map<String, Boolean> checks, String configHash,
            String delivery, List<String> required, Map<String, String> checkVersions, String broker) {
        this(node, role, state, reason, sequence, startedAt, sentAt, inFlight, capacity, processed, checks, configHash,
                delivery, required, checkVersions, broker, false);
    }

    /** A heartbeat whose broker is not known yet (the channel that sends it fills it in, {@link #withBroker}). */
    public Heartbeat(String node, String role, NodeState state, String reason, long sequence, long startedAt,
            long sentAt, int inFlight, int capacity, long processed, Map<String, Boolean> checks, String configHash,
            String delivery, List<String> required, Map<String, String> checkVersions) {
        this(node, role, state, reason, sequence, startedAt, sentAt, inFlight, capacity, processed, checks, configHash,
                delivery, required, checkVersions, null);
    }

    /** This heartbeat, saying it is sent through {@code broker}. */
    public Heartbeat withBroker(String broker) {
        return new Heartbeat(node, role, state, reason, sequence, startedAt, sentAt, inFlight, capacity, processed, checks,
                configHash, delivery, required, checkVersions, broker, behind);
    }

    /** A heartbeat without check versions. */
    public Heartbeat(String node, String role, NodeState state, String reason, long sequence, long startedAt,
            long sentAt, int inFlight, int capacity, long processed, Map<String, Boolean> checks, String configHash,
            String delivery, List<String> required) {
        this(node, role, state, reason, sequence, startedAt, sentAt, inFlight, capacity, processed, checks, configHash,
                delivery, required, Map.of());
    }

    /** Whether the node is a worker (runs checks) rather than a mail host. */
    public boolean isWorker() {
        return NodeSettings.Role.fromWire(role) != NodeSettings.Role.HOST;
    }

    /** Whether every check of its policy is available. */
    public boolean checksHealthy() {
        return checks.values().stream().allMatch(Boolean::booleanValue);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("heartbeat cannot be written as JSON", e);
        }
    }

    /** Reads a heartbeat; throws IllegalArgumentException for anything that is not one. */
    public static Heartbeat fromJson(String json) {
        try {
            return JSON.readValue(json, Heartbeat.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a Mailgrid heartbeat: " + e.getMessage(), e);
        }
    }
}
