package io.mailgrid.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.jms.ConnectionFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.ClientIds;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;

/**
 * What {@code mailgrid status} shows: the depth of every Mailgrid queue and every mail in flight
 * (reserved by a consumer, not yet committed) with the node that holds it, the classic
 * "dispatched for &lt;server&gt;" view.
 *
 * @param nodes    every node known from heartbeats
 * @param queues   every Mailgrid queue, by name
 * @param inFlight every reserved mail
 */
public record StatusReport(List<NodeStatus> nodes, List<QueueDepth> queues, List<InFlightMail> inFlight) {

    /**
     * One node, from its latest heartbeat in the status queue.
     *
     * @param node       node name
     * @param role       worker or host
     * @param state      what its peers conclude: UP, SUSPECT, DOWN, MAINTENANCE, LEAVING, STARTING
     * @param reason     why it is in maintenance, or what it said last when DOWN
     * @param ageMillis  how long ago its latest heartbeat arrived; for a node silent since the
     *                   command started listening, that silence plus its last heartbeat's age by its
     *                   own clock (an estimate)
     * @param inFlight   mails it holds
     * @param capacity   mails it can hold at once
     * @param processed  mails it finished since it started
     * @param checks     its checks, true when available
     * @param configHash its policy hash
     * @param drift      true when its policy hash differs from most nodes'
     * @param required   the checks every mail it accepts requires
     * @param checkVersions what its checks scan with, by check name (clamd's version and signatures)
     * @param broker     the broker it is connected to (host:port as the node sees it), null if its heartbeat does not say
     */
    public record NodeStatus(String node, String role, String state, String reason, long ageMillis, int inFlight,
            int capacity, long processed, Map<String, Boolean> checks, String configHash, boolean drift,
            List<String> required, Map<String, String> checkVersions, String broker) {
    }

    /**
     * One queue.
     *
     * @param name      queue name
     * @param waiting   mails waiting to be taken
     * @param inFlight  mails reserved by a consumer
     * @param consumers consumers attached
     */
    public record QueueDepth(String name, long waiting, long inFlight, int consumers) {
    }

    /**
     * One reserved mail.
     *
     * @param mailId     Mailgrid mail id
     * @param queue      the queue it was taken from
     * @param node       the node holding it (from its client id), or "?" for a non-Mailgrid consumer
     * @param clientId   the holding connection's client id
     * @param reservedAt when the consumer last took a mail, if known
     */
    public record InFlightMail(String mailId, String queue, String node, String clientId, Instant reservedAt) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The session id inside Artemis's consumer description "ServerConsumer [id=conn:session:n, ...". */
    private static final Pattern CONSUMER_SESSION = Pattern.compile("id=[^:]+:([^:,\\]]+):");

    /**
     * Reads queues and reservations from the broker, and nodes from the status queue, judged by
     * when their heartbeats arrive: listens for at most the heartbeat timeout ({@link ClusterWatch}).
     */
    public static StatusReport read(BrokerManagement broker, ConnectionFactory factory, Duration interval,
            Duration timeout, Clock clock) throws Exception {
        try (ClusterWatch watch = ClusterWatch.start(factory, interval, timeout, clock)) {
            List<Membership.Peer> peers = watch.awaitSettled();
            StatusReport queues = read(broker);
            return new StatusReport(nodes(peers, timeout, clock.instant()), queues.queues(), queues.inFlight());
        }
    }

    /** Every node the watch knows, as status shows it. */
    static List<NodeStatus> nodes(List<Membership.Peer> peers, Duration timeout, Instant now) {
        Map<String, Long> hashes = new HashMap<>();
        peers.forEach(p -> hashes.merge(p.last().configHash(), 1L, Long::sum));
        String common = hashes.entrySet().stream().max(Map.Entry.<String, Long>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).orElse("");
        List<NodeStatus> nodes = new ArrayList<>();
        for (Membership.Peer peer : peers) {
            Heartbeat beat = peer.last();
            PeerState shown = ClusterWatch.shown(peer, timeout, now);
            String state = shown.name();
            String reason = shown == peer.state() ? beat.reason() : "stopped";
            nodes.add(new NodeStatus(beat.node(), beat.role(), state, reason, peer.silence(now).toMillis(),
                    beat.inFlight(), beat.capacity(), beat.processed(), beat.checks(), beat.configHash(),
                    !common.equals(beat.configHash()), beat.required(), beat.checkVersions(), beat.broker()));
        }
        nodes.sort(Comparator.comparing(NodeStatus::node));
        return nodes;
    }

    /** Reads queues and reservations (no nodes) from the broker. */
    public static StatusReport read(BrokerManagement broker) throws Exception {
        List<String> names = Arrays.stream((Object[]) broker.attribute("broker", "queueNames"))
                .map(Object::toString)
                .filter(name -> name.startsWith(Queues.PREFIX) && !name.startsWith(Queues.TEMPORARY_PREFIX))
                .sorted()
                .toList();
        List<QueueDepth> queues = new ArrayList<>();
        List<InFlightMail> inFlight = new ArrayList<>();
        Map<String, JsonNode> consumersBySession = null;
        for (String name : names) {
            String resource = "queue." + name;
            long waiting = number(broker.attribute(resource, "messageCount"));
            long delivering = number(broker.attribute(resource, "deliveringCount"));
            int consumers = (int) number(broker.attribute(resource, "consumerCount"));
            queues.add(new QueueDepth(name, Math.max(0, waiting - delivering), delivering, consumers));
            if (delivering > 0) {
                if (consumersBySession == null) {
                    consumersBySession = consumersBySession(broker);
                }
                inFlight.addAll(inFlight(broker, name, consumersBySession));
            }
        }
        inFlight.sort(Comparator.comparing(InFlightMail::queue).thenComparing(InFlightMail::mailId));
        return new StatusReport(List.of(), queues, inFlight);
    }

    private static Map<String, JsonNode> consumersBySession(BrokerManagement broker) throws Exception {
        return consumersBySession(() -> broker.invoke("broker", "listConsumers", "", 1, 10_000));
    }

    /** One read of the broker's consumer listing, as a management call answers it. */
    @FunctionalInterface
    interface ConsumerListing {
        Object read() throws Exception;
    }

    /** Attempts at the consumer listing before the in-flight rows go without their holders. */
    static final int LISTING_ATTEMPTS = 3;

    /**
     * The broker's consumers by session name, to name the node holding each mail in flight. Artemis
     * can fail the whole listing while a consumer is being created or closed (measured in
     * HungDeliveryIT: "Cannot invoke ServerSession.getName() because this.session is null" during a
     * takeover), which is exactly when an operator looks. So the listing is read again; if it keeps
     * failing, the report is still given, its in-flight mails with "?" for the holder.
     */
    static Map<String, JsonNode> consumersBySession(ConsumerListing listing) throws Exception {
        for (int attempt = 1;; attempt++) {
            Object result;
            try {
                result = listing.read();
            } catch (IllegalStateException e) { // the broker answered: the operation failed
                if (attempt == LISTING_ATTEMPTS) {
                    return Map.of();
                }
                continue;
            }
            Map<String, JsonNode> bySession = new HashMap<>();
            for (JsonNode consumer : JSON.readTree(result.toString()).path("data")) {
                bySession.put(consumer.path("session").asText(), consumer);
            }
            return bySession;
        }
    }

    private static List<InFlightMail> inFlight(BrokerManagement broker, String queue,
            Map<String, JsonNode> consumersBySession) throws Exception {
        List<InFlightMail> mails = new ArrayList<>();
        Object result = broker.invoke("queue." + queue, "listDeliveringMessagesAsJSON");
        for (JsonNode consumer : JSON.readTree(result.toString())) {
            Matcher session = CONSUMER_SESSION.matcher(consumer.path("consumerName").asText());
            JsonNode holder = session.find() ? consumersBySession.get(session.group(1)) : null;
            String clientId = holder == null ? "" : holder.path("clientID").asText("");
            String node = ClientIds.nodeOf(clientId);
            Instant since = holder == null || holder.path("lastDeliveredTime").asLong(0) == 0 ? null
                    : Instant.ofEpochMilli(holder.path("lastDeliveredTime").asLong());
            for (JsonNode message : consumer.path("elements")) {
                String mailId = message.path(MailProperty.MAIL_ID).asText("(not a Mailgrid mail: " + message.path("messageID").asText() + ")");
                mails.add(new InFlightMail(mailId, queue, node == null ? "?" : node, clientId, since));
            }
        }
        return mails;
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
    }
}
