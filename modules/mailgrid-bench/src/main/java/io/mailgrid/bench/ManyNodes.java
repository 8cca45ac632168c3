package io.mailgrid.bench;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import io.mailgrid.cluster.ClusterAgent;
import io.mailgrid.cluster.ClusterSettingsCatalog;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerLogin;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.NodeSettings;
import io.mailgrid.core.Queues;
import io.mailgrid.core.RequiredChecks;

/**
 * The {@code many-nodes} scenario (issue 15, docs/adr/0039): N lightweight nodes against one broker
 * process, with helpers per mailbox as configured and with every worker helping every mailbox.
 *
 * <p>Each node is a real {@link ClusterAgent} in this JVM (heartbeats, membership, takeover plan)
 * with its own connection factory; its routes are plain JMS consumers, one per mailbox it grabs, at
 * the plan's consumer priority, that take mail at once: what is measured is the cluster's own cost
 * (consumers on the broker, heartbeat messages, time to take over), not mail processing. A node is
 * "killed" by closing its connection factory: its connections drop without a LEAVING heartbeat, as
 * with {@code kill -9}.
 */
final class ManyNodes {

    /**
     * Figures of one cluster size.
     *
     * @param nodes              nodes in the cluster
     * @param helpers            {@code mailgrid.cluster.helpers} (0 = every worker)
     * @param grabs              mailboxes grabbed, summed over the nodes (own included)
     * @param mailboxConsumers   consumers on the nodes' mailbox queues (grabbers, own and helping)
     * @param heartbeatsPerSecond heartbeats published per second (measured by a subscriber); the broker
     *                           delivers each to every node's subscription and keeps one in mailgrid.status
     * @param firstTakenMs       kill of a node to the first of its mails taken by a peer (mail published one by one,
     *                           persistent, from the kill on)
     * @param allTakenMs         kill to the last of those mails taken (mostly the time to publish them)
     * @param widenedMs          kill to every live node grabbing its mailbox (it is DOWN everywhere)
     * @param settleSeconds      start of the first node to every node's plan settled
     */
    record Point(int nodes, int helpers, int grabs, long mailboxConsumers, double heartbeatsPerSecond,
            double firstTakenMs, double allTakenMs, double widenedMs, double settleSeconds) {
    }

    /** Mails published into the killed node's mailbox at the kill. */
    static final int MAILS_AT_KILL = 200;

    private final Bench bench;

    ManyNodes(Bench bench) {
        this.bench = bench;
    }

    /** One cluster of {@code nodes} lightweight nodes, measured. */
    Point run(int nodes, int helpers) throws Exception {
        try (Bench.Run run = bench.new Run("many-nodes-" + nodes + "-helpers-" + helpers)) {
            MailgridConfig config = run.client.with(Map.of(ClusterSettingsCatalog.HELPERS, String.valueOf(helpers),
                    ClusterSettingsCatalog.CLUSTER_FORGET_AFTER, "0"));
            List<LightNode> cluster = new ArrayList<>();
            try {
                long started = System.nanoTime();
                for (int i = 1; i <= nodes; i++) {
                    cluster.add(new LightNode("n" + i, config, run.dir));
                }
                int perNode = helpers == 0 ? nodes : 1 + Math.min(helpers, nodes - 1);
                await(() -> cluster.stream().allMatch(n -> n.agent.peers().size() == nodes - 1
                        && n.agent.peers().values().stream().allMatch("UP"::equals))
                        && grabs(cluster) == nodes * perNode, 60 + nodes);
                double settle = (System.nanoTime() - started) / 1e9;
                int grabs = grabs(cluster);

                long consumers = 0;
                try (BrokerManagement management = BrokerManagement.connect(config, BrokerLogin.OPERATOR)) {
                    for (LightNode node : cluster) {
                        consumers += number(management.attribute("queue." + Queues.mailbox(node.name), "consumerCount"));
                    }
                }
                double perSecond = heartbeatsPerSecond(config, 5);

                LightNode victim = cluster.get(0);
                List<LightNode> peers = cluster.subList(1, cluster.size());
                long killedAt;
                long[] widenedAt = {0};
                try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config);
                        Connection connection = factory.createConnection()) {
                    Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer producer = session.createProducer(session.createQueue(Queues.mailbox(victim.name)));
                    producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                    killedAt = System.nanoTime();
                    victim.kill();
                    // mails go in one by one from the kill on; meanwhile this thread watches the takeover widen
                    CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                        try {
                            for (int i = 0; i < MAILS_AT_KILL; i++) {
                                BytesMessage message = session.createBytesMessage();
                                message.writeBytes(new byte[1024]);
                                producer.send(message);
                            }
                        } catch (JMSException e) {
                            throw new IllegalStateException("many-nodes: publishing into the killed node's mailbox failed", e);
                        }
                    });
                    await(() -> {
                        if (widenedAt[0] == 0 && peers.stream().allMatch(p -> p.agent.applied().grab().containsKey(victim.name))) {
                            widenedAt[0] = System.nanoTime();
                        }
                        return widenedAt[0] != 0 && publishing.isDone()
                                && peers.stream().mapToInt(p -> p.taken(victim.name)).sum() >= MAILS_AT_KILL;
                    }, 60);
                    publishing.join();
                }
                long first = peers.stream().mapToLong(p -> p.firstTaken(victim.name)).filter(t -> t > 0).min().orElse(killedAt);
                long last = peers.stream().mapToLong(p -> p.lastTaken(victim.name)).max().orElse(killedAt);
                long widened = widenedAt[0];
                return new Point(nodes, helpers, grabs, consumers, Stats.round(perSecond, 1),
                        Stats.round((first - killedAt) / 1e6, 1), Stats.round((last - killedAt) / 1e6, 1),
                        Stats.round((widened - killedAt) / 1e6, 0), Stats.round(settle, 1));
            } finally {
                cluster.forEach(LightNode::close);
            }
        }
    }

    /** Heartbeats published per second, counted by a subscriber of their address for {@code seconds}. */
    private static double heartbeatsPerSecond(MailgridConfig config, int seconds) throws JMSException {
        AtomicInteger heard = new AtomicInteger();
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config);
                Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createConsumer(session.createTopic(Queues.HEARTBEAT)).setMessageListener(m -> heard.incrementAndGet());
            connection.start();
            long t0 = System.nanoTime();
            BenchProcess.pause(seconds * 1000L);
            return heard.get() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static int grabs(List<LightNode> cluster) {
        return cluster.stream().filter(n -> !n.killed).mapToInt(n -> n.agent.applied().grab().size()).sum();
    }

    private static long number(Object value) {
        return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
    }

    private static void await(BooleanSupplier condition, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("many-nodes: condition not reached within " + seconds + " s");
            }
            BenchProcess.pause(2);
        }
    }

    /** A node without Camel: a cluster agent whose grabbers are plain consumers that take mail at once. */
    private static final class LightNode implements ClusterAgent.Routes, ClusterAgent.Workload, AutoCloseable {
        final String name;
        final ActiveMQConnectionFactory factory;
        final Connection connection;
        final ClusterAgent agent;
        final Map<String, Session> grabbing = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> taken = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> first = new ConcurrentHashMap<>();
        final Map<String, AtomicLong> last = new ConcurrentHashMap<>();
        volatile boolean killed;

        LightNode(String name, MailgridConfig config, Path dir) throws Exception {
            this.name = name;
            this.factory = BrokerConnection.forNode(config);
            this.connection = factory.createConnection();
            connection.start();
            this.agent = new ClusterAgent(config, new NodeSettings(name, NodeSettings.Role.WORKER, dir.resolve(name)),
                    factory, this, this, () -> Map.of("pass-all", true), RequiredChecks.of(List.of("pass-all")),
                    "many-nodes", "maildir:" + dir.resolve(name), Clock.systemUTC());
            agent.start();
        }

        @Override
        public void grab(String mailboxNode, int priority, boolean acceptUnmarked) throws JMSException {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(
                    session.createQueue(Queues.mailbox(mailboxNode) + "?consumer-priority=" + priority));
            consumer.setMessageListener(message -> {
                long now = System.nanoTime();
                first.computeIfAbsent(mailboxNode, m -> new AtomicLong()).compareAndSet(0, now);
                last.computeIfAbsent(mailboxNode, m -> new AtomicLong()).set(now);
                taken.computeIfAbsent(mailboxNode, m -> new AtomicInteger()).incrementAndGet();
            });
            Session old = grabbing.put(mailboxNode, session);
            if (old != null) {
                old.close();
            }
        }

        @Override
        public void stopGrabbing(String mailboxNode) throws JMSException {
            Session session = grabbing.remove(mailboxNode);
            if (session != null) {
                session.close();
            }
        }

        @Override
        public Optional<String> deliverFor(String peer, String peerTarget) {
            return Optional.empty();
        }

        @Override
        public void stopDeliveringFor(String peer) {
        }

        @Override
        public int inFlight() {
            return 0;
        }

        @Override
        public long processed() {
            return taken.values().stream().mapToLong(AtomicInteger::get).sum();
        }

        int taken(String mailbox) {
            AtomicInteger count = taken.get(mailbox);
            return count == null ? 0 : count.get();
        }

        long firstTaken(String mailbox) {
            AtomicLong time = first.get(mailbox);
            return time == null ? 0 : time.get();
        }

        long lastTaken(String mailbox) {
            AtomicLong time = last.get(mailbox);
            return time == null ? 0 : time.get();
        }

        /** As kill -9: every connection drops at once, no LEAVING heartbeat. */
        void kill() {
            killed = true;
            factory.close();
            agent.close();
        }

        @Override
        public void close() {
            if (!killed) {
                agent.close();
                try {
                    connection.close();
                } catch (JMSException e) {
                    // the bench is ending: a connection that does not close cleanly changes no figure
                }
                factory.close();
            }
        }
    }
}
