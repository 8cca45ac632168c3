package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The pickup folder of node processes ({@code -Xmx256m}, as the launcher runs them) on one
 * standalone broker: a {@code kill -9} at each step of the pickup route (held there by a step the
 * test adds to a copy of {@code routes/ingress.xml}) never publishes a file twice nor loses it, and
 * a file larger than the heap is set aside without being read.
 */
class PickupIT {

    private static final String PUBLISH_STEP = "<to uri=\"bean:pickup?method=publish\"/>";
    private static final String HOLD = "<delay><constant>600000</constant></delay>";
    private static final String[] PICKUP_SETTINGS = {"mailgrid.pickup.interval=100", "mailgrid.pickup.min-age=0"};
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static Cluster cluster;

    @BeforeAll
    static void startBroker() {
        cluster = new Cluster(dir, "pickup");
        cluster.startBroker();
    }

    @AfterAll
    static void stopAll() {
        cluster.close();
    }

    @Test
    void aPickupFileShouldBePublishedOnceWhicheverStepTheNodeIsKilledAtAndTheSameFileAgainIsANewMail()
            throws Exception {
        Path pickup = cluster.dataDir("a").resolve("pickup");
        Maildir outbox = cluster.outbox("a");
        TestMail alert = TestMail.to("ops@example.com").subject("disk full");
        TestMail report = TestMail.to("ops@example.com").subject("nightly report");

        // killed after publishing, before removing the file: the mail was even delivered already
        MailgridProcess a = cluster.startNode("a", routes("after-publish", PUBLISH_STEP + HOLD), PICKUP_SETTINGS);
        drop(pickup, "alert.eml", alert.bytes());
        await().atMost(WAIT).until(() -> outbox.count() == 1);
        assertThat(filesIn(pickup)).as("the claimed file is still there when the node dies").hasSize(1);
        a.kill9();

        // killed after claiming, before publishing: the first poll of this run takes back alert.eml and
        // claims report.eml, dropped while no node ran, then holds before publishing alert.eml
        drop(pickup, "report.eml", report.bytes());
        a = cluster.startNode("a", routes("before-publish", HOLD + PUBLISH_STEP), PICKUP_SETTINGS);
        await().atMost(WAIT).until(() -> !Files.exists(pickup.resolve("report.eml")) && filesIn(pickup).size() == 2);
        a.kill9();
        assertThat(messagesAdded(Queues.mailbox("a"))).isEqualTo(1);

        cluster.startNode("a", TestHome.routes(), PICKUP_SETTINGS);
        await().atMost(WAIT).until(() -> outbox.count() == 2 && filesIn(pickup).isEmpty()
                && cluster.depth(Queues.mailbox("a")) == 0 && cluster.depth(Queues.outbound("a")) == 0);
        assertThat(messagesAdded(Queues.mailbox("a"))).as("alert published again and dropped by the broker, report once")
                .isEqualTo(2);
        assertThat(Maildir.messageIdCounts(List.of(outbox)))
                .containsOnlyKeys(alert.messageId(), report.messageId()).allSatisfy((id, n) -> assertThat(n).isOne());

        drop(pickup, "alert.eml", alert.bytes()); // the same alert again, later: a new mail
        await().atMost(WAIT).until(() -> outbox.count() == 3);
        assertThat(messagesAdded(Queues.mailbox("a"))).isEqualTo(3);
    }

    @Test
    void aPickupFileLargerThanTheHeapShouldBeSetAsideWhileTheNodeKeepsRunning() throws Exception {
        MailgridProcess b = cluster.startNode("b", TestHome.routes(), PICKUP_SETTINGS);
        Path pickup = cluster.dataDir("b").resolve("pickup");
        Path huge = pickup.resolve("huge.eml.tmp");
        try (RandomAccessFile sparse = new RandomAccessFile(huge.toFile(), "rw")) {
            sparse.setLength(1L << 30); // 1 GB against a 256 MB heap; sparse, so no disk is used
        }
        Files.move(huge, pickup.resolve("huge.eml"));
        TestMail after = TestMail.to("bob@example.com");
        drop(pickup, "after.eml", after.bytes());

        await().atMost(WAIT).until(() -> {
            assertThat(b.isAlive()).as("node process alive").isTrue();
            // the reason is written before the file is moved beside it: wait for both
            return cluster.outbox("b").count() == 1 && Files.exists(pickup.resolve("rejected/huge.eml.reason"))
                    && Files.exists(pickup.resolve("rejected/huge.eml"));
        });
        assertThat(Files.readString(pickup.resolve("rejected/huge.eml.reason"))).contains("larger than");
        assertThat(Files.size(pickup.resolve("rejected/huge.eml"))).isEqualTo(1L << 30);
        assertThat(cluster.outbox("b").mails().get(0).header("Message-ID")).contains(after.messageId());
    }

    /** A copy of the shipped routes with {@code PUBLISH_STEP} of ingress.xml replaced by {@code steps}. */
    private static Path routes(String name, String steps) throws IOException {
        Path copy = Files.createDirectories(dir.resolve("routes-" + name));
        try (Stream<Path> files = Files.list(TestHome.routes())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String xml = Files.readString(file, StandardCharsets.UTF_8);
                if (file.getFileName().toString().equals("ingress.xml")) {
                    assertThat(xml).contains(PUBLISH_STEP);
                    xml = xml.replace(PUBLISH_STEP, steps);
                }
                Files.writeString(copy.resolve(file.getFileName()), xml, StandardCharsets.UTF_8);
            }
        }
        return copy;
    }

    private static void drop(Path pickup, String name, byte[] content) throws IOException {
        Files.move(Files.write(pickup.resolve(name + ".tmp"), content), pickup.resolve(name));
    }

    /** Regular files anywhere under the pickup folder except rejected/. */
    private static List<Path> filesIn(Path pickup) {
        for (int attempt = 0;; attempt++) {
            try (Stream<Path> files = Files.walk(pickup)) {
                return files.filter(Files::isRegularFile).filter(f -> !f.startsWith(pickup.resolve("rejected"))).toList();
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 10) { // a file renamed while we looked: look again
                    throw new IllegalStateException("cannot list " + pickup, e);
                }
            }
        }
    }

    private static long messagesAdded(String queue) throws Exception {
        try (BrokerManagement management = BrokerManagement.connect(cluster.clientConfig)) {
            return ((Number) management.attribute("queue." + queue, "messagesAdded")).longValue();
        }
    }
}
