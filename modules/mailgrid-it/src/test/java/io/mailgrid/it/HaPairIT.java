package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.TestHome;

/**
 * Nodes on an Artemis HA pair (two instances of the official distribution on loopback ports,
 * replication), connected with the HA URL the README gives. {@code kill -9} of the primary under
 * load: the backup becomes live, the nodes fail over by themselves, and every accepted mail is
 * delivered exactly once.
 */
class HaPairIT {

    private static final String SLOW_STEP = "<delay><constant>250</constant></delay>";

    @TempDir
    Path dir;

    @Test
    void killingThePrimaryUnderLoadShouldMoveEveryNodeToTheBackupAndLoseAndDuplicateNothing() throws Exception {
        int primaryPort = TestHome.freePort();
        int backupPort = TestHome.freePort();
        String haUrl = "(tcp://127.0.0.1:" + primaryPort + ",tcp://127.0.0.1:" + backupPort + ")?ha=true&reconnectAttempts=-1";
        try (Cluster cluster = new Cluster(dir, "ha-pair", haUrl)) {
            ArtemisInstance primary = cluster.artemis("primary", primaryPort, replication("tcp://127.0.0.1:" + backupPort));
            ArtemisInstance backup = cluster.artemis("backup", backupPort, backupOf("tcp://127.0.0.1:" + primaryPort));
            for (ArtemisInstance broker : List.of(primary, backup)) {
                broker.mergeMailgridConfig(true);
                broker.javaArgs(DistributionIT.BROKER_PROPERTIES);
            }
            primary.start();
            primary.addMailgridUsers(cluster.clientConfig);
            backup.copyUsersFrom(primary);
            backup.start("AMQ221024"); // the backup is synchronized with the primary
            Path routes = cluster.routesWithFirstStep("slower", SLOW_STEP);
            List<MailgridProcess> nodes = cluster.startNodes(routes, "a", "b", "c");

            // the backlog is built, not raced for: the nodes hold while the first 200 mails arrive, then more mail
            // keeps arriving while they work the backlog off at their slow check's pace
            cluster.hold("a", "b", "c");
            List<String> backlog = cluster.publish("a", 200, "ha-backlog");
            AtomicInteger accepted = new AtomicInteger(backlog.size());
            CompletableFuture<List<String>> sending = CompletableFuture.supplyAsync(() -> {
                try {
                    return cluster.publishRetrying("a", 200, "ha-arriving", accepted);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            cluster.release("a", "b", "c");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> cluster.outbox("a").count() >= 30);
            long waitingAtKill = cluster.depth(Queues.mailbox("a"));
            assertThat(waitingAtKill).as("a backlog waits at the kill").isPositive();
            int acceptedAtKill = accepted.get();
            primary.kill9();
            long killedAt = System.nanoTime();
            int atKill = cluster.outbox("a").count();
            backup.awaitLog("AMQ221007: Server is now active", Duration.ofSeconds(30));
            double live = (System.nanoTime() - killedAt) / 1e9;
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> cluster.outbox("a").count() > atKill + 10);
            double flowing = (System.nanoTime() - killedAt) / 1e9;

            List<String> sent = new java.util.ArrayList<>(backlog);
            sent.addAll(sending.get());
            cluster.awaitAllDelivered("a", sent, "a", "b", "c");
            double drained = (System.nanoTime() - killedAt) / 1e9;

            cluster.assertEveryMailDeliveredOnce(sent, "a", "b", "c");
            // the trap of docs/adr/0010 and 0011: a commit whose publish the broker kept although the mail came back.
            // A first delivery may still meet it once (rolled back, then published outside the transaction); what
            // must never happen is the dead-lettering asserted above.
            long duplicateRollbacks = nodes.stream()
                    .mapToLong(node -> node.currentRun().split("Duplicate message detected", -1).length - 1).sum();
            assertThat(cluster.status().nodes()).extracting(n -> n.node() + " " + n.state())
                    .contains("a UP", "b UP", "c UP");
            System.out.printf("HA pair, kill -9 of the primary with %d of %d mails accepted, %d delivered and %d waiting: backup"
                    + " live %.2f s after the kill, mail flowing again after %.2f s, all delivered exactly once after %.2f s;"
                    + " %d commits refused as duplicates%n", acceptedAtKill, sent.size(), atKill, waitingAtKill, live, flowing,
                    drained, duplicateRollbacks);
        }
    }

    /** {@code artemis create} options of the primary of a replicated pair (static connectors: no UDP on loopback). */
    static String[] replication(String otherUrl) {
        return new String[] {"--replicated", "--cluster-user", "mailgrid-cluster", "--cluster-password", "cluster-it-password",
                "--staticCluster", otherUrl};
    }

    /** The same for its backup. */
    static String[] backupOf(String primaryUrl) {
        String[] primary = replication(primaryUrl);
        String[] backup = java.util.Arrays.copyOf(primary, primary.length + 1);
        backup[primary.length] = "--backup";
        return backup;
    }
}
