package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiPredicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * A node process told to stop (SIGTERM, as systemd or Ctrl-C do) while it is still starting, as an
 * interrupted benchmark stopped one: it must end by itself within a bound, say so in its log, leave no
 * JVM behind, and the mail accepted before the signal must be delivered exactly once after the next start.
 */
class NodeStopsWhileStartingIT {

    /**
     * How long a node told to stop while starting may take: it has no mail in flight to wait for, and
     * this is below the 45 s Camel Main's own hook waited (the shipped grace period, 30 s, plus 15 s).
     */
    private static final Duration STOPS_WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Moments of a start on a standalone broker, each known from the node's data directory and log so far. */
    enum StartPoint {
        /** The JVM runs the node's start: its first step made the data directory, nothing else has started. */
        JVM_UP((dataDir, run) -> Files.isDirectory(dataDir.resolve("pickup"))),
        /** The node has asked the broker for its redelivery settings and is about to start Camel. */
        BROKER_CONNECTED((dataDir, run) -> run.contains("Redelivery of mailgrid.mailbox.a as the broker")),
        /**
         * Camel Main has loaded the routes and starts them (the policy chain is read in between). The
         * latest point taken: about 1.5 s before {@code ready} here. A later one ("now UP", a few hundred
         * ms before) was seen too late once in three runs, and a test must not depend on how fast the node
         * gets from there to ready; the start checks for a stop the same way at every later step.
         */
        CAMEL_STARTS_ROUTES((dataDir, run) -> run.contains("Policy chain (routes as loaded)"));

        final BiPredicate<Path, String> reached;

        StartPoint(BiPredicate<Path, String> reached) {
            this.reached = reached;
        }
    }

    @ParameterizedTest
    @EnumSource(StartPoint.class)
    void aNodeToldToStopWhileItStartsShouldExitPromptlyAndDeliverItsMailOnceAfterTheNextStart(StartPoint point)
            throws Exception {
        try (Cluster cluster = new Cluster(dir, "stop-while-starting-" + point)) {
            cluster.startBroker();
            List<String> sent = cluster.publish("a", 5, "accepted before the signal"); // waiting in a's mailbox

            MailgridProcess a = cluster.launchNode("a", TestHome.routes());
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !a.isAlive() || point.reached.test(cluster.dataDir("a"), a.currentRun()));
            assertThat(a.isAlive()).as("still starting at " + point).isTrue();
            assertThat(a.currentRun()).as("told to stop before it was ready").doesNotContain(" ready: ");

            assertStopsByItself(a, point.toString());

            cluster.startNode("a", TestHome.routes());
            cluster.awaitAllDelivered("a", sent, "a");
            cluster.assertEveryMailDeliveredOnce(sent, "a");
        }
    }

    @Test
    void aNodeToldToStopWhileItsEmbeddedBrokerStartsShouldExitPromptlyAndDeliverItsPickupMailOnceAfterTheNextStart()
            throws Exception {
        try (Cluster cluster = new Cluster(dir, "stop-while-broker-starts")) {
            // handed over before the signal: files in the pickup folder, which the node only claims once it runs
            Path pickup = Files.createDirectories(cluster.dataDir("a").resolve("pickup"));
            for (int i = 0; i < 5; i++) {
                Files.write(pickup.resolve("mail-" + i + ".eml"),
                        TestMail.to("rcpt" + i + "@example.com").subject("dropped " + i).bytes());
            }
            Path brokerDir = cluster.dataDir("a").resolve("broker");
            MailgridProcess a = cluster.launchNodeWithEmbeddedBroker("a", TestHome.routes());
            // the broker makes its directories first thing in its start
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !a.isAlive() || Files.isDirectory(brokerDir));
            assertThat(a.isAlive()).as("still starting").isTrue();
            assertThat(a.currentRun()).as("told to stop before its broker was up").doesNotContain("Embedded broker started");

            assertStopsByItself(a, "its embedded broker starts");

            cluster.launchNodeWithEmbeddedBroker("a", TestHome.routes()).awaitReady();
            Maildir outbox = cluster.outbox("a");
            await().atMost(Duration.ofSeconds(60)).until(() -> outbox.count() >= 5);
            assertThat(Maildir.mailIdCounts(List.of(outbox))).as("every dropped mail exactly once").hasSize(5)
                    .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
            try (var left = Files.list(pickup)) {
                assertThat(left.filter(f -> f.toString().endsWith(".eml")).toList()).as("pickup files left").isEmpty();
            }
        }
    }

    /** SIGTERM; the process must end by itself in time, say it stopped, and leave no JVM. */
    private static void assertStopsByItself(MailgridProcess node, String when) {
        long pid = node.pid();
        long start = System.nanoTime();
        boolean ended = node.stop(STOPS_WITHIN);
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("SIGTERM %s: %s after %d ms%n", when, ended ? "ended" : "still running, killed -9", millis);
        assertThat(ended).as("node told to stop while %s ended within %s; log:%n%s", when, STOPS_WITHIN,
                tail(node.currentRun())).isTrue();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("JVM left").isFalse();
        assertThat(node.currentRun()).as("says it was told to stop while starting")
                .contains("told to stop while it starts").contains("Mailgrid node a stopped");
    }

    private static String tail(String run) {
        return run.length() > 6000 ? run.substring(run.length() - 6000) : run;
    }
}
