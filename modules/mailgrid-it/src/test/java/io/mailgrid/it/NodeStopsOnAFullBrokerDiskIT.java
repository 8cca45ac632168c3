package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.Queues;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.TestHome;

/**
 * A node process told to stop (SIGTERM) while its grabbers' publishes wait on a broker that holds
 * back new messages (its disk below {@code min-disk-free}): it must end within a bound, and once the
 * broker has room every mail is delivered exactly once. The node relays its mail, so its grabber
 * publishes each CLEAN mail to its outbound queue, the publish the broker holds back.
 */
class NodeStopsOnAFullBrokerDiskIT {

    /** More than any disk here has free: the broker counts its disk as full from its first scan. */
    private static final String DISK_FULL = "mailgrid.broker.min-disk-free=1000000GB";
    private static final Duration STOPS_WITHIN = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aNodeWhoseGrabberPublishesAreHeldBackShouldStopOnSigtermAndDeliverEveryMailOnceOnceTheBrokerHasRoom()
            throws Exception {
        try (Cluster cluster = new Cluster(dir, "stop-on-full-disk");
                SmtpSink relay = SmtpSink.start(TestHome.freePort())) {
            String relayed = "mailgrid.delivery.relay=smtp://127.0.0.1:" + relay.port();
            String grace = "mailgrid.shutdown.grace-period=5s";
            MailgridProcess broker = cluster.startBroker();
            List<String> sent = cluster.publish("a", 3, "accepted while the disk had room");
            assertThat(broker.stop(STOPS_WITHIN)).as("broker stopped").isTrue();

            MailgridProcess fullBroker = cluster.startBroker(DISK_FULL);
            // its first disk scan (5 s after its start) must have found the disk full before the node takes mail
            await().atMost(Duration.ofSeconds(30)).until(() -> fullBroker.currentRun().contains("AMQ224128"));
            MailgridProcess a = cluster.startNode("a", TestHome.routes(), relayed, grace);
            // the broker says so when the grabber's publish to the outbound queue asks it for room
            await().atMost(Duration.ofSeconds(60)).until(() -> fullBroker.currentRun()
                    .contains("Disk Full! Blocking message production on address '" + Queues.outbound("a") + "'"));
            assertThat(cluster.status().inFlight()).as("mail reserved by the held-back grabber").isNotEmpty();

            long start = System.nanoTime();
            boolean ended = a.stop(STOPS_WITHIN);
            System.out.printf("SIGTERM with held-back grabber publishes: %s after %d ms%n",
                    ended ? "ended" : "still running, killed -9", (System.nanoTime() - start) / 1_000_000);
            assertThat(ended).as("node ended by itself within %s; log:%n%s", STOPS_WITHIN, a.currentRun()).isTrue();
            assertThat(a.currentRun()).contains("Mailgrid node a stopped");
            assertThat(relay.mailIdCounts()).as("nothing delivered while the disk was full").isEmpty();
            assertThat(fullBroker.stop(STOPS_WITHIN)).as("broker stopped").isTrue();

            cluster.startBroker();
            cluster.startNode("a", TestHome.routes(), relayed, grace);
            await().atMost(Duration.ofSeconds(60)).until(() -> relay.mailIdCounts().size() == sent.size()
                    && cluster.depth(Queues.mailbox("a")) == 0 && cluster.depth(Queues.outbound("a")) == 0);
            cluster.assertEveryMailDeliveredOnce(sent, relay, "a");
        }
    }
}
