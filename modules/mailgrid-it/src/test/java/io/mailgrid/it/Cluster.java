package io.mailgrid.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailgrid.checks.PolicyModel;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.core.RequiredChecks;
import io.mailgrid.ingress.MailPublisher;
import io.mailgrid.ingress.PublishException;
import io.mailgrid.cluster.StatusReport;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.ShippedJournal;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * A standalone broker process and node processes on loopback, in one temporary directory,
 * started the way an operator starts them. Closing stops every process it started.
 */
final class Cluster implements AutoCloseable {

    final Path dir;
    final int port;
    final MailgridConfig clientConfig;
    private final List<MailgridProcess> processes = new ArrayList<>();
    private final List<MailgridProcess> brokers = new ArrayList<>();
    private MailgridProcess broker;
    private final String brokerUrl;
    private final List<ArtemisInstance> instances = new ArrayList<>();
    private final Map<String, Path> routesByNode = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path logs;

    /** @param dir temporary directory for data; logs go to target/it-logs/&lt;name&gt; and survive the test */
    Cluster(Path dir, String name) {
        this(dir, name, null);
    }

    /**
     * Nodes on a broker this cluster does not start (an Artemis distribution instance, an HA pair).
     *
     * @param brokerUrl the URL nodes and clients use; null for {@link #startBroker()}'s broker
     */
    Cluster(Path dir, String name, String brokerUrl) {
        this.dir = dir;
        this.logs = Path.of("target", "it-logs", name + "-" + System.currentTimeMillis()).toAbsolutePath();
        this.port = TestHome.freePort();
        this.brokerUrl = brokerUrl == null ? "tcp://127.0.0.1:" + port : brokerUrl;
        this.clientConfig = TestHome.config("a", dir.resolve("client"), port,
                Map.of(CoreSettingsCatalog.BROKER_URL, url()));
    }

    String url() {
        return brokerUrl;
    }

    /** Where this cluster's process logs go. */
    Path logs() {
        return logs;
    }

    /** Starts the standalone broker ({@code mailgrid broker}); redelivery waits 100 ms in tests. */
    MailgridProcess startBroker() {
        return startBroker(new String[0]);
    }

    /**
     * {@link #startBroker()} with extra settings (e.g. {@code mailgrid.broker.min-disk-free}); a later
     * call starts the broker again on the same journal and port.
     */
    MailgridProcess startBroker(String... jvmProps) {
        List<String> props = new ArrayList<>(List.of("mailgrid.redelivery.delay=100ms"));
        props.addAll(List.of(jvmProps));
        broker = trackBroker(MailgridProcess.start("broker", logs, props,
                "broker", "--data", dir.resolve("broker").toString(), "--port", String.valueOf(port)));
        // the broker every kill -9 and SIGSTOP of these tests stands beside runs the journal we ship
        ShippedJournal.assertStartedAsShipped(broker.currentRun());
        return broker;
    }

    /** Runs the {@code mailgrid} command line in this JVM against the shared broker; returns its exit code. */
    int command(String... args) {
        return commandOn(url(), args);
    }

    /** Runs the {@code mailgrid} command line in this JVM against the broker at {@code brokerUrl} (one of several). */
    int commandOn(String brokerUrl, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--broker");
        all.add(brokerUrl);
        return io.mailgrid.node.cli.MailgridCommand.execute(all.toArray(String[]::new));
    }

    /** The command line's settings for the broker at {@code brokerUrl} (one of several live brokers of a cluster). */
    MailgridConfig clientConfig(String brokerUrl) {
        return TestHome.config("a", dir.resolve("client"), port, Map.of(CoreSettingsCatalog.BROKER_URL, brokerUrl));
    }

    /**
     * Stops these nodes grabbing ({@code maintenance NODE on}, confirmed), so mail published now
     * waits as a backlog of known size: a test that needs a backlog builds it instead of hoping the
     * publisher outruns the nodes.
     */
    void hold(String... nodes) {
        for (String node : nodes) {
            assertThat(command("maintenance", node, "on")).as("maintenance " + node + " on").isZero();
        }
    }

    /** Lets held nodes grab again, all at about the same moment, and waits until each says UP. */
    void release(String... nodes) throws Exception {
        for (String node : nodes) {
            assertThat(command("maintenance", node, "off", "--wait", "0")).as("maintenance " + node + " off").isZero();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> status().nodes().stream()
                .filter(n -> List.of(nodes).contains(n.node()) && n.state().equals("UP")).count() == nodes.length);
    }

    /** {@code kill -9} of the standalone broker. */
    void killBroker() {
        broker.kill9();
    }

    /**
     * Concurrency the cluster tests are shaped around: their slow check (100 ms) and backlog
     * thresholds assume 4 grabbers and 2 deliveries per node, so a change of the shipped defaults
     * (tuned for throughput by the benchmark) does not change what these tests measure.
     */
    private static final List<String> TEST_CONCURRENCY = List.of("mailgrid.grabber.consumers=4",
            "mailgrid.delivery.consumers=2");

    /** Starts {@code mailgrid run} for a node on the shared broker; {@code jvmProps} win over {@link #TEST_CONCURRENCY}. */
    MailgridProcess startNode(String node, Path routes, String... jvmProps) {
        return startNodeOn(url(), node, routes, jvmProps);
    }

    /** {@link #startNode} on the broker at {@code brokerUrl} (one of several live brokers of a cluster). */
    MailgridProcess startNodeOn(String brokerUrl, String node, Path routes, String... jvmProps) {
        return launchNodeOn(brokerUrl, node, routes, jvmProps).awaitReady();
    }

    /**
     * Starts these nodes on the shared broker, all with {@code routes}, side by side: their JVMs start
     * together and each is waited for, which takes less time than one start after the other.
     *
     * @return the nodes, in the order given
     */
    List<MailgridProcess> startNodes(Path routes, String... nodes) {
        List<MailgridProcess> launched = new ArrayList<>();
        for (String node : nodes) {
            launched.add(launchNodeOn(url(), node, routes));
        }
        launched.forEach(MailgridProcess::awaitReady);
        return launched;
    }

    /**
     * {@link #startNode} without waiting: launch the nodes a test needs, then call
     * {@link MailgridProcess#awaitReady()} on each, so their JVMs start side by side.
     */
    MailgridProcess launchNode(String node, Path routes, String... jvmProps) {
        return launchNodeOn(url(), node, routes, jvmProps);
    }

    /**
     * Waits until {@code observer} knows {@code peer} as UP: seen UP at once, or seen STARTING first
     * when both started side by side. A test that kills the peer next needs this state: a peer that
     * dies before the observer heard it is not taken over by it (see the closing note of the round).
     */
    static void awaitKnownUp(MailgridProcess observer, String peer) {
        await().atMost(Duration.ofSeconds(10)).until(() -> observer.currentRun().contains("Peer " + peer + " seen: UP")
                || observer.currentRun().contains("Peer " + peer + " STARTING -> UP"));
    }

    /** {@link #launchNode} on the broker at {@code brokerUrl} (one of several live brokers of a cluster). */
    MailgridProcess launchNodeOn(String brokerUrl, String node, Path routes, String... jvmProps) {
        List<String> props = new java.util.ArrayList<>(TEST_CONCURRENCY);
        props.addAll(List.of(jvmProps)); // a later -D of the same name wins
        routesByNode.put(node, routes);
        return track(MailgridProcess.launch(node, logs, props,
                "run", "--node", node, "--data", dataDir(node).toString(), "--broker", brokerUrl,
                "--routes", routes.toString()));
    }

    /**
     * {@code mailgrid run} for a node with its own embedded broker on this cluster's port (no
     * {@link #startBroker()}), without waiting: {@link #url()} and the cluster's clients reach that broker.
     */
    MailgridProcess launchNodeWithEmbeddedBroker(String node, Path routes, String... jvmProps) {
        List<String> props = new java.util.ArrayList<>(TEST_CONCURRENCY);
        props.add("mailgrid.broker.port=" + port);
        props.addAll(List.of(jvmProps));
        routesByNode.put(node, routes);
        return track(MailgridProcess.launch(node, logs, props,
                "run", "--node", node, "--data", dataDir(node).toString(), "--routes", routes.toString()));
    }

    Path dataDir(String node) {
        return dir.resolve("nodes").resolve(node);
    }

    /**
     * A copy of the shipped routes whose policy.xml has an extra first step, as an operator
     * would edit it; {@code step} is Camel XML.
     */
    Path routesWithFirstStep(String name, String step) {
        Path copy = dir.resolve("routes-" + name);
        try {
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(TestHome.routes())) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String xml = Files.readString(file, StandardCharsets.UTF_8);
                    if (file.getFileName().toString().equals("policy.xml")) {
                        xml = xml.replace("<from uri=\"direct:policy-chain\"/>", "<from uri=\"direct:policy-chain\"/>\n    " + step);
                    }
                    Files.writeString(copy.resolve(file.getFileName()), xml, StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    /**
     * A copy of the shipped routes whose policy.xml lacks the line holding {@code text}, as an
     * operator would remove a check ("to try Mailgrid without a scanner, remove the
     * check:virus-scan line").
     */
    Path routesWithoutLine(String name, String text) {
        return routesWithoutLine(name, text, TestHome.routes());
    }

    /** {@link #routesWithoutLine(String, String)} from another routes directory than the shipped one. */
    Path routesWithoutLine(String name, String text, Path routes) {
        Path copy = dir.resolve("routes-" + name);
        try {
            Files.createDirectories(copy);
            try (Stream<Path> files = Files.list(routes)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String xml = Files.readString(file, StandardCharsets.UTF_8);
                    if (file.getFileName().toString().equals("policy.xml")) {
                        xml = xml.lines().filter(line -> !(line.contains(text) && line.contains("<to uri=")))
                                .collect(java.util.stream.Collectors.joining("\n", "", "\n"));
                    }
                    Files.writeString(copy.resolve(file.getFileName()), xml, StandardCharsets.UTF_8);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return copy;
    }

    /** Publishes mails to a node's mailbox as its ingress would; returns their mail ids. */
    List<String> publish(String node, int count, String marker) throws Exception {
        List<String> mailIds = new ArrayList<>();
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(clientConfig);
                MailPublisher publisher = ingress(factory, node)) {
            for (int i = 0; i < count; i++) {
                mailIds.add(publishOne(publisher, node, marker, i));
            }
        }
        return mailIds;
    }

    /**
     * Publishes like {@link #publish}, but keeps trying while the broker is away (as an SMTP client
     * retries after a 4xx), re-sending the same mail id so the broker keeps one copy. A mail counts
     * as accepted once its publish returned. One connection is reused until a publish fails.
     */
    List<String> publishRetrying(String node, int count, String marker) throws Exception {
        return publishRetrying(node, count, marker, new AtomicInteger());
    }

    /** {@link #publishRetrying(String, int, String)}, counting the accepted mails in {@code accepted} as it goes. */
    List<String> publishRetrying(String node, int count, String marker, AtomicInteger accepted) throws Exception {
        List<String> mailIds = new ArrayList<>();
        try (RetryingPublisher retrying = new RetryingPublisher()) {
            for (int i = 0; i < count; i++) {
                TestMail mail = TestMail.to("rcpt" + i + "@example.com").subject(marker + " " + i).body(marker + " body " + i + "\r\n");
                byte[] bytes = mail.bytes();
                Envelope envelope = Envelope.received(node, "sender@example.com", List.of("rcpt" + i + "@example.com"),
                        "test", Instant.now(), bytes.length);
                // no poll delay: the first try is at once, only retries wait
                await().atMost(Duration.ofSeconds(90)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                        .until(() -> retrying.publish(envelope, bytes));
                mailIds.add(envelope.mailId());
                accepted.incrementAndGet();
            }
        }
        return mailIds;
    }

    /**
     * A publisher as the node's ingress has: its mails require the checks of the policy chain the
     * node was started with (the shipped chain for a node not started by this cluster).
     */
    private MailPublisher ingress(ActiveMQConnectionFactory factory, String node) {
        return new MailPublisher(factory,
                RequiredChecks.of(PolicyModel.chainOf(routesByNode.getOrDefault(node, TestHome.routes()),
                        new java.util.Properties())));
    }

    /**
     * Publishes one mail for {@code node} through each broker in turn, the same mail id every time
     * (as a publish tried again after an unknown outcome, reaching another broker); returns its id.
     */
    String publishSameMailThrough(String node, MailgridConfig... brokers) throws Exception {
        TestMail mail = TestMail.to("rcpt@example.com").subject("same mail").body("same mail\r\n");
        byte[] bytes = mail.bytes();
        Envelope envelope = Envelope.received(node, "sender@example.com", List.of("rcpt@example.com"), "test",
                Instant.now(), bytes.length);
        for (MailgridConfig broker : brokers) {
            try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(broker);
                    MailPublisher publisher = ingress(factory, node)) {
                publisher.publish(envelope, bytes);
            }
        }
        return envelope.mailId();
    }

    /** A publisher that opens a fresh connection after a failed publish. */
    private final class RetryingPublisher implements AutoCloseable {
        private ActiveMQConnectionFactory factory;
        private MailPublisher publisher;

        boolean publish(Envelope envelope, byte[] bytes) {
            try {
                if (publisher == null) {
                    factory = BrokerConnection.forCommand(clientConfig);
                    publisher = ingress(factory, envelope.origin());
                }
                publisher.publish(envelope, bytes);
                return true;
            } catch (PublishException | RuntimeException e) {
                close();
                return false;
            }
        }

        @Override
        public void close() {
            if (publisher != null) {
                publisher.close();
            }
            if (factory != null) {
                factory.close();
            }
            publisher = null;
            factory = null;
        }
    }

    private static String publishOne(MailPublisher publisher, String node, String marker, int i) throws PublishException {
        TestMail mail = TestMail.to("rcpt" + i + "@example.com").subject(marker + " " + i).body(marker + " body " + i + "\r\n");
        byte[] bytes = mail.bytes();
        Envelope envelope = Envelope.received(node, "sender@example.com", List.of("rcpt" + i + "@example.com"),
                "test", Instant.now(), bytes.length);
        publisher.publish(envelope, bytes);
        return envelope.mailId();
    }

    /** The outbox Maildir of a node. */
    Maildir outbox(String node) {
        return Maildir.at(dataDir(node).resolve("outbox"));
    }

    /**
     * How many times each mail id was delivered, over every node's outbox ({@code new/} and
     * {@code cur/}): a second copy counts whatever its file name or Maildir.
     */
    Map<String, Integer> deliveredCounts(String... nodes) {
        return Maildir.mailIdCounts(java.util.Arrays.stream(nodes).map(this::outbox).toList());
    }

    /** {@link #deliveredCounts}, plus every mail the SMTP relay {@code sink} received (one per SMTP transaction). */
    Map<String, Integer> deliveredCounts(SmtpSink sink, String... nodes) {
        Map<String, Integer> counts = new java.util.HashMap<>(deliveredCounts(nodes));
        sink.mailIdCounts().forEach((id, n) -> counts.merge(id, n, Integer::sum));
        return counts;
    }

    /**
     * Waits until as many mails as {@code sent} are in the {@code nodes}' outboxes and the
     * {@code origin} node's mailbox and outbound queue are empty.
     */
    void awaitAllDelivered(String origin, List<String> sent, String... nodes) {
        await().atMost(Duration.ofSeconds(120)).until(() -> deliveredCounts(nodes).size() == sent.size()
                && depth(Queues.mailbox(origin)) == 0 && depth(Queues.outbound(origin)) == 0);
    }

    /**
     * What every failure test promises: each mail id of {@code sent} delivered exactly once over the
     * nodes' Maildirs ({@code new/} and {@code cur/}), nothing else delivered, none dead-lettered.
     */
    void assertEveryMailDeliveredOnce(List<String> sent, String... nodes) throws Exception {
        assertDeliveredOnce(deliveredCounts(nodes), sent);
    }

    /** {@link #assertEveryMailDeliveredOnce(List, String...)}, counting what the relay {@code sink} received too. */
    void assertEveryMailDeliveredOnce(List<String> sent, SmtpSink sink, String... nodes) throws Exception {
        assertDeliveredOnce(deliveredCounts(sink, nodes), sent);
    }

    private void assertDeliveredOnce(Map<String, Integer> delivered, List<String> sent) throws Exception {
        assertThat(delivered.keySet()).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(delivered).as("every mail exactly once").allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        assertThat(depth(Queues.DLQ)).as("no mail dead-lettered").isZero();
    }

    StatusReport status() throws Exception {
        return status(clientConfig);
    }

    /** What {@code mailgrid status} reads through the broker of {@code config} (one of several live brokers). */
    StatusReport status(MailgridConfig config) throws Exception {
        try (BrokerManagement management = BrokerManagement.connect(config);
                ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config)) {
            return StatusReport.read(management, factory, Duration.ofSeconds(1), Duration.ofSeconds(3), java.time.Clock.systemUTC());
        }
    }

    /** Mails waiting plus in flight in a queue (queues only: no wait for heartbeats). */
    long depth(String queue) throws Exception {
        return depth(clientConfig, queue);
    }

    /** {@link #depth(String)} on the broker of {@code config} (one of several live brokers). */
    long depth(MailgridConfig config, String queue) throws Exception {
        try (BrokerManagement management = BrokerManagement.connect(config)) {
            return StatusReport.read(management).queues().stream().filter(q -> q.name().equals(queue))
                    .mapToLong(q -> q.waiting() + q.inFlight()).sum();
        }
    }

    /**
     * A broker process, closed after every node: a broker restarted during a test must not go
     * before the nodes, which would then wait out their stop timeout talking to no one.
     */
    private MailgridProcess trackBroker(MailgridProcess process) {
        brokers.add(process);
        return process;
    }

    private MailgridProcess track(MailgridProcess process) {
        processes.add(process);
        return process;
    }

    /**
     * Creates an instance of the official Artemis distribution ({@code artemis create}) in this
     * cluster's directory; it is stopped after the nodes when the cluster closes.
     */
    ArtemisInstance artemis(String name, int brokerPort, String... createOptions) {
        return track(ArtemisInstance.create(dir.resolve("artemis-" + name), name, logs, brokerPort, false, createOptions));
    }

    /** {@link #artemis} with the web console, for a test that reads the broker through its Jolokia endpoint. */
    ArtemisInstance artemisWithConsole(String name, int brokerPort, String... createOptions) {
        return track(ArtemisInstance.create(dir.resolve("artemis-" + name), name, logs, brokerPort, true, createOptions));
    }

    private ArtemisInstance track(ArtemisInstance instance) {
        instances.add(instance);
        return instance;
    }

    @Override
    public void close() {
        // nodes first, the broker last
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        for (int i = brokers.size() - 1; i >= 0; i--) {
            brokers.get(i).close();
        }
        for (int i = instances.size() - 1; i >= 0; i--) {
            instances.get(i).close();
        }
    }
}
