package io.mailgrid.cluster;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.NodeSettings;
import io.mailgrid.core.Queues;
import io.mailgrid.core.RequiredChecks;
import io.mailgrid.testing.TestHome;

/**
 * Two nodes started side by side: peer a announces itself once, at some moment of b's start, and is
 * killed before its next heartbeat. Whatever that moment, b must know a and take over its mailbox
 * once a's silence passes the heartbeat timeout. The moments are made exact, not left to timing:
 * a publishes (through {@link HeartbeatChannel}, as a node does) on b's own thread, just before b
 * opens its n-th broker connection of the start (its own heartbeat, the status read, the heartbeat
 * subscription, the control subscription), or after b's start.
 */
class ClusterAgentStartTest {

    private static final Duration INTERVAL = Duration.ofMillis(100);
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final AtomicInteger NODES = new AtomicInteger();

    @TempDir
    static Path dir;
    static MailgridConfig brokerConfig;
    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        brokerConfig = TestHome.config("broker", dir, TestHome.freePort(), Map.of());
        broker = EmbeddedBroker.start(brokerConfig, dir.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** @param moment b's broker connection (1-4) before which a publishes its only heartbeat; 5: after b's start */
    @ParameterizedTest(name = "a heard of only before b''s broker connection {0} (5: after b''s start)")
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void aPeerThatAnnouncedItselfOnceAtAnyMomentOfTheStartShouldBeKnownAndTakenOverWhenItDies(int moment) throws Exception {
        int run = NODES.incrementAndGet();
        String a = "a" + run;
        String b = "b" + run;
        MailgridConfig config = settings(b);
        Set<String> grabbed = ConcurrentHashMap.newKeySet();
        try (ActiveMQConnectionFactory factory = BrokerConnection.forNode(config);
                ActiveMQConnectionFactory peerFactory = BrokerConnection.forNode(config)) {
            Runnable announceA = () -> announceOnce(peerFactory, a);
            ClusterAgent agent = agent(config, new BeforeConnection(factory, moment, announceA), grabbed);
            try {
                agent.start();
                if (moment == 5) {
                    announceA.run();
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> agent.peers().containsKey(a));
                // a was killed after its one heartbeat: DOWN once the timeout passes, and b grabs its mailbox
                await().atMost(TIMEOUT.plus(Duration.ofSeconds(5))).until(() -> PeerState.DOWN.name().equals(agent.peers().get(a)));
                await().atMost(Duration.ofSeconds(5)).until(() -> grabbed.contains(a));
            } finally {
                agent.close();
            }
        }
    }

    /**
     * On a cluster of live brokers a peer's status reaches b's broker over the cluster bridge, and may arrive
     * after b read the status queue, while the peer's heartbeat never reached b (its broker did not know of b's
     * subscription yet). The test stores such a status after b's start, with no heartbeat at all.
     */
    @Test
    void aPeerWhoseStatusArrivesOnlyAfterTheStartShouldBeKnownAndTakenOverWhenItDies() throws Exception {
        int run = NODES.incrementAndGet();
        String a = "a" + run;
        String b = "b" + run;
        MailgridConfig config = settings(b);
        Set<String> grabbed = ConcurrentHashMap.newKeySet();
        try (ActiveMQConnectionFactory factory = BrokerConnection.forNode(config)) {
            ClusterAgent agent = agent(config, factory, grabbed);
            try {
                agent.start();
                storeStatusOnly(factory, a);

                await().atMost(TIMEOUT.plus(Duration.ofSeconds(5))).until(() -> agent.peers().containsKey(a));
                await().atMost(TIMEOUT.plus(Duration.ofSeconds(5))).until(() -> PeerState.DOWN.name().equals(agent.peers().get(a)));
                await().atMost(Duration.ofSeconds(5)).until(() -> grabbed.contains(a));
            } finally {
                agent.close();
            }
        }
    }

    private static MailgridConfig settings(String node) {
        return brokerConfig.with(Map.of(CoreSettingsCatalog.NODE_NAME, node,
                ClusterSettingsCatalog.HEARTBEAT_INTERVAL, INTERVAL.toMillis() + "ms",
                ClusterSettingsCatalog.HEARTBEAT_TIMEOUT, TIMEOUT.toMillis() + "ms"));
    }

    private static ClusterAgent agent(MailgridConfig config, ConnectionFactory factory, Set<String> grabbed) {
        String node = config.string(CoreSettingsCatalog.NODE_NAME);
        return new ClusterAgent(config, new NodeSettings(node, NodeSettings.Role.WORKER, dir.resolve(node)), factory,
                AgentStubs.recording(grabbed), AgentStubs.idle(), () -> Map.of("pass-all", true), RequiredChecks.of(List.of("pass-all")),
                "same-policy", "maildir:" + dir.resolve(node), Clock.systemUTC());
    }

    /** A peer's status as the cluster bridge stores it on this broker: in the status queue, with no heartbeat. */
    private static void storeStatusOnly(ConnectionFactory factory, String node) {
        long now = System.currentTimeMillis();
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            TextMessage status = context.createTextMessage(new Heartbeat(node, "worker", NodeState.UP, null, 1, now, now, 0, 4, 0,
                    Map.of("pass-all", true), "same-policy", null, List.of("pass-all"), Map.of()).toJson());
            status.setStringProperty(MailProperty.NODE, node);
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(context.createTopic(Queues.STATUS), status);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a node's start publishes: its heartbeat, and its status into the last-value queue. */
    private static void announceOnce(ConnectionFactory factory, String node) {
        long now = System.currentTimeMillis();
        try (HeartbeatChannel channel = new HeartbeatChannel(factory)) {
            channel.publish(new Heartbeat(node, "worker", NodeState.UP, null, 1, now, now, 0, 4, 0, Map.of("pass-all", true),
                    "same-policy", null, List.of("pass-all"), Map.of()));
        }
    }

    /** A connection factory that runs {@code action} once, on the caller's thread, before its n-th context. */
    private static final class BeforeConnection implements ConnectionFactory {
        private final ConnectionFactory delegate;
        private final int n;
        private final Runnable action;
        private final AtomicInteger opened = new AtomicInteger();

        BeforeConnection(ConnectionFactory delegate, int n, Runnable action) {
            this.delegate = delegate;
            this.n = n;
            this.action = action;
        }

        private void opening() {
            if (opened.incrementAndGet() == n) {
                action.run();
            }
        }

        @Override
        public Connection createConnection() throws JMSException {
            opening();
            return delegate.createConnection();
        }

        @Override
        public Connection createConnection(String user, String password) throws JMSException {
            opening();
            return delegate.createConnection(user, password);
        }

        @Override
        public JMSContext createContext() {
            opening();
            return delegate.createContext();
        }

        @Override
        public JMSContext createContext(String user, String password) {
            opening();
            return delegate.createContext(user, password);
        }

        @Override
        public JMSContext createContext(String user, String password, int sessionMode) {
            opening();
            return delegate.createContext(user, password, sessionMode);
        }

        @Override
        public JMSContext createContext(int sessionMode) {
            opening();
            return delegate.createContext(sessionMode);
        }
    }
}
