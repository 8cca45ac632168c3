package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailgrid.core.ClientIds;
import io.mailgrid.core.Queues;
import io.mailgrid.cluster.StatusReport;
import io.mailgrid.testing.MailgridProcess;

/**
 * Nodes beside the official Artemis distribution, run as its own process and set up exactly as the
 * README's "Deploy beside an existing Artemis broker" says: Mailgrid's configuration merged into the
 * instance's broker.xml (or the shipped broker.xml used as it is), the node user added with
 * {@code artemis user add}. Status and the console's Jolokia endpoint show the queues and the
 * nodes' consumers; a {@code kill -9} of the broker under load loses and duplicates nothing.
 */
class DistributionIT {

    private static final String SLOW_STEP = "<delay><constant>20</constant></delay>";
    /** Redelivery after 100 ms as with the ITs' `mailgrid broker`, set the way the README says (etc/artemis.profile). */
    static final String[] BROKER_PROPERTIES = {"mailgrid.redelivery.delay-ms=100"};

    @TempDir
    Path dir;

    @Test
    void nodesShouldRunOnAnExistingInstanceAndShowInStatusAndTheConsole() throws Exception {
        int port = io.mailgrid.testing.TestHome.freePort();
        try (Cluster cluster = new Cluster(dir, "distribution-console", "tcp://127.0.0.1:" + port)) {
            ArtemisInstance broker = cluster.artemisWithConsole("existing", port);
            broker.mergeMailgridConfig(true);
            broker.javaArgs(BROKER_PROPERTIES);
            broker.start();
            addNodeUser(broker, cluster);
            Path routes = cluster.routesWithFirstStep("slow", SLOW_STEP);
            cluster.startNodes(routes, "a", "b");

            List<String> sent = cluster.publish("a", 100, "console");
            // mail for a node that is not running: it waits in its mailbox, a depth the console must show
            cluster.publish("z", 7, "waiting");
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.outbox("a").count() == sent.size());
            assertThat(cluster.deliveredCounts("a", "b").values()).allMatch(n -> n == 1);

            StatusReport status = cluster.status();
            assertThat(status.nodes()).extracting(StatusReport.NodeStatus::node).contains("a", "b");
            assertThat(status.queues()).filteredOn(q -> q.name().equals(Queues.mailbox("z")))
                    .singleElement().satisfies(q -> assertThat(q.waiting()).isEqualTo(7));
            assertThat(cluster.command("status")).as("./mailgrid status against the distribution: mailbox z has no consumer")
                    .isEqualTo(8);

            String brokerMBean = "org.apache.activemq.artemis:broker=%22existing%22";
            JsonNode queueNames = broker.jolokia("read/" + brokerMBean + "/QueueNames");
            assertThat(queueNames.toString()).contains(Queues.mailbox("a"), Queues.outbound("a"), Queues.mailbox("z"),
                    Queues.DLQ, Queues.QUARANTINE);
            String mailboxZ = brokerMBean + ",component=addresses,address=%22" + Queues.mailbox("z")
                    + "%22,subcomponent=queues,routing-type=%22anycast%22,queue=%22" + Queues.mailbox("z") + "%22";
            assertThat(broker.jolokia("read/" + mailboxZ + "/MessageCount").asLong()).isEqualTo(7);
            // the consumers, named after the nodes: Consumers tab of the console (an empty string is "" in a Jolokia path)
            JsonNode consumers = new ObjectMapper().readTree(
                    broker.jolokia("exec/" + brokerMBean + "/listConsumers/%22%22/1/1000").asText()).path("data");
            Map<String, Set<String>> clientIdsByQueue = new TreeMap<>();
            consumers.forEach(c -> clientIdsByQueue.computeIfAbsent(c.path("queue").asText(), q -> new TreeSet<>())
                    .add(c.path("clientID").asText()));
            assertThat(clientIdsByQueue.get(Queues.mailbox("a"))).contains(ClientIds.grabber("a", "a"), ClientIds.grabber("b", "a"));
            // each delivery has a standard lane and a large-mail lane, each its own connection
            assertThat(clientIdsByQueue.get(Queues.outbound("a"))).containsExactlyInAnyOrder(ClientIds.delivery("a", "a"),
                    ClientIds.largeLane(ClientIds.delivery("a", "a")));
            assertThat(clientIdsByQueue.get(Queues.outbound("b"))).containsExactlyInAnyOrder(ClientIds.delivery("b", "b"),
                    ClientIds.largeLane(ClientIds.delivery("b", "b")));
            System.out.printf("distribution instance %s: %d mails delivered; Jolokia shows %d queues, consumers %s%n", broker,
                    sent.size(), queueNames.size(), clientIdsByQueue);
        }
    }

    @Test
    void killingTheBrokerUnderLoadShouldLoseNoAcceptedMailAndDuplicateNone() throws Exception {
        int port = io.mailgrid.testing.TestHome.freePort();
        try (Cluster cluster = new Cluster(dir, "distribution-kill", "tcp://127.0.0.1:" + port)) {
            ArtemisInstance broker = cluster.artemis("killed", port);
            broker.mergeMailgridConfig(true);
            broker.javaArgs(BROKER_PROPERTIES);
            broker.start();
            addNodeUser(broker, cluster);
            Path routes = cluster.routesWithFirstStep("slower", "<delay><constant>100</constant></delay>");
            cluster.startNodes(routes, "a", "b");

            // the backlog is built, not raced for: both nodes hold while the first 200 mails arrive, then more mail
            // keeps arriving (a publish that returned is a mail the broker accepted, as SMTP's 250; a failed one is
            // retried) while the nodes work the backlog off at their slow check's pace
            cluster.hold("a", "b");
            List<String> backlog = cluster.publish("a", 200, "broker-kill-backlog");
            AtomicInteger accepted = new AtomicInteger(backlog.size());
            CompletableFuture<List<String>> sending = CompletableFuture.supplyAsync(() -> publishRetrying(cluster, 200, accepted));
            cluster.release("a", "b");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cluster.outbox("a").count() >= 30);
            long waitingAtKill = cluster.depth(Queues.mailbox("a"));
            assertThat(waitingAtKill).as("a backlog waits at the kill").isPositive();
            broker.kill9();
            int acceptedAtKill = accepted.get();
            int atKill = cluster.outbox("a").count();
            long killedAt = System.nanoTime();
            broker.start();
            double restarted = (System.nanoTime() - killedAt) / 1e9;
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> cluster.outbox("a").count() > atKill + 10);
            double flowing = (System.nanoTime() - killedAt) / 1e9;

            List<String> sent = new ArrayList<>(backlog);
            sent.addAll(sending.get());
            cluster.awaitAllDelivered("a", sent, "a", "b");
            cluster.assertEveryMailDeliveredOnce(sent, "a", "b");
            System.out.printf("distribution broker kill -9 with %d of %d mails accepted, %d delivered and %d waiting: restarted"
                    + " (active) %.2f s after the kill, mail flowing again %.2f s after the kill; all %d delivered exactly once%n",
                    acceptedAtKill, sent.size(), atKill, waitingAtKill, restarted, flowing, sent.size());
        }
    }

    @Test
    void theShippedBrokerXmlShouldBootUnchangedInTheDistributionAndServeNodes() throws Exception {
        int port = io.mailgrid.testing.TestHome.freePort();
        try (Cluster cluster = new Cluster(dir, "distribution-shipped", "tcp://127.0.0.1:" + port)) {
            ArtemisInstance broker = cluster.artemis("shipped", port);
            broker.useMailgridBrokerXml();
            List<String> properties = new ArrayList<>(List.of(BROKER_PROPERTIES));
            properties.add("mailgrid.broker.port=" + port);
            // the broker's own redelivery differs from the node's properties (3 attempts): the node must apply the broker's
            properties.add("mailgrid.redelivery.max-attempts=2");
            broker.javaArgs(properties.toArray(String[]::new));
            broker.start();
            addNodeUser(broker, cluster);
            MailgridProcess node = cluster.startNode("a", io.mailgrid.testing.TestHome.routes(), "mailgrid.redelivery.max-attempts=3");
            assertThat(node.currentRun()).as("redelivery read from the distribution broker")
                    .contains("Redelivery of " + Queues.mailbox("a") + " as the broker at " + broker.url()
                            + " applies it: 2 attempts, first retry after 100 ms")
                    .contains("mailgrid.redelivery.max-attempts is 3 in the properties but max-delivery-attempts is 2");

            List<String> sent = cluster.publish("a", 30, "shipped");
            await().atMost(Duration.ofSeconds(60)).until(() -> cluster.outbox("a").count() == sent.size());
            assertThat(cluster.deliveredCounts("a").keySet()).containsExactlyInAnyOrderElementsOf(sent);
            StatusReport status = cluster.status();
            assertThat(status.queues()).extracting(StatusReport.QueueDepth::name).contains(Queues.mailbox("a"), Queues.DLQ)
                    .anySatisfy(name -> assertThat(name).startsWith(Queues.STATUS + ".")); // the broker's own status queue
            assertThat(status.nodes()).extracting(StatusReport.NodeStatus::node).contains("a");
        }
    }

    private static void addNodeUser(ArtemisInstance broker, Cluster cluster) {
        broker.addMailgridUsers(cluster.clientConfig);
    }

    private static List<String> publishRetrying(Cluster cluster, int count, AtomicInteger accepted) {
        try {
            return cluster.publishRetrying("a", count, "broker-kill-arriving", accepted);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
