package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.Queues;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The pickup folder of a whole node on the shipped routes, as a careless operator or a local
 * attacker uses it: every file dropped is delivered once, and every file that cannot be a mail
 * ends in {@code pickup/rejected/} with a reason, without being read past the size limit.
 */
class PickupNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** A modification time far enough back that the file counts as completely written. */
    private static final FileTime LONG_AGO = FileTime.from(Instant.now().minus(Duration.ofHours(2)));

    @TempDir
    Path dir;
    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void stopNodes() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
    }

    private TestNode start(Map<String, String> overrides) throws Exception {
        TestNode node = TestNode.start(dir, overrides);
        nodes.add(node);
        return node;
    }

    /** Writes a file under another name, dates it back and renames it into the folder, as the README says. */
    private static Path drop(Path pickup, String name, byte[] content) throws IOException {
        Path writing = Files.write(pickup.resolve(name + ".tmp"), content);
        Files.setLastModifiedTime(writing, LONG_AGO);
        return Files.move(writing, pickup.resolve(name));
    }

    /**
     * Waits until {@code name} sits in {@code rejected/} with its reason. The node writes the reason
     * first and moves the file after it, so the reason alone does not mean the file is there yet.
     */
    private static void awaitSetAside(Path pickup, String name) {
        Path rejected = pickup.resolve("rejected");
        await().atMost(WAIT).until(() -> Files.exists(rejected.resolve(name + ".reason"))
                && Files.exists(rejected.resolve(name), LinkOption.NOFOLLOW_LINKS));
    }

    private static long messagesAdded(TestNode node, String queue) throws Exception {
        return node.messagesAdded(queue);
    }

    private static List<String> names(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theSameFileDroppedTwiceShouldBeDeliveredTwice() throws Exception {
        TestNode a = start(Map.of());
        Path pickup = a.node.settings().pickupDir();
        byte[] alert = TestMail.to("ops@example.com").subject("disk full on db1").bytes();

        drop(pickup, "alert.eml", alert);
        await().atMost(WAIT).until(() -> a.outbox().count() == 1 && !Files.exists(pickup.resolve("alert.eml")));
        drop(pickup, "alert.eml", alert); // the monitoring system sends the same alert again

        await().atMost(WAIT).until(() -> a.outbox().count() == 2);
        assertThat(a.outbox().mails()).allSatisfy(m -> assertThat(m.original()).isEqualTo(alert));
        assertThat(a.outbox().mails()).extracting(m -> m.stamp("Id").orElseThrow()).doesNotHaveDuplicates();
        assertThat(messagesAdded(a, Queues.mailbox("a"))).isEqualTo(2);
    }

    @Test
    void aFileRenamedByAnotherReaderWhilePublishedShouldBeDeliveredOnce() throws Exception {
        TestNode a = start(Map.of());
        Path pickup = a.node.settings().pickupDir();
        // another program renames a.eml to b.eml while the node publishes it
        AdviceWith.adviceWith(a.node.camel(), "ingress-pickup", route -> route
                .weaveByToUri("bean:pickup?method=publish").after().process(exchange -> {
                    try {
                        Files.move(pickup.resolve("a.eml"), pickup.resolve("b.eml"));
                    } catch (NoSuchFileException alreadyClaimed) {
                        // the node holds the file under another name: the other reader finds nothing
                    }
                }));
        TestMail mail = TestMail.to("bob@example.com");

        drop(pickup, "a.eml", mail.bytes());

        await().atMost(WAIT).until(() -> a.outbox().count() >= 1 && names(pickup).stream().noneMatch(n -> n.endsWith(".eml"))
                && a.depth(Queues.mailbox("a")) == 0 && a.depth(Queues.outbound("a")) == 0);
        assertThat(messagesAdded(a, Queues.mailbox("a"))).as("published once").isEqualTo(1);
        assertThat(a.outbox().count()).isEqualTo(1);
    }

    @Test
    void aFileOverTheSizeLimitShouldBeSetAsideUnreadWithAReason() throws Exception {
        TestNode a = start(Map.of(IngressSettingsCatalog.PICKUP_SIZE_LIMIT, "1KB"));
        Path pickup = a.node.settings().pickupDir();
        byte[] big = TestMail.to("bob@example.com").body("x".repeat(4000) + "\r\n").bytes();
        TestMail small = TestMail.to("bob@example.com");

        drop(pickup, "big.eml", big);
        drop(pickup, "small.eml", small.bytes());

        awaitSetAside(pickup, "big.eml");
        assertThat(Files.readString(pickup.resolve("rejected/big.eml.reason")))
                .contains("larger than", "1024 bytes", "mailgrid.pickup.size-limit");
        assertThat(Files.readAllBytes(pickup.resolve("rejected/big.eml"))).isEqualTo(big);
        await().atMost(WAIT).until(() -> a.outbox().count() == 1);
        assertThat(a.outbox().mails().get(0).header("Message-ID")).contains(small.messageId());
        assertThat(names(pickup)).doesNotContain("big.eml", "small.eml");
    }

    @Test
    void aSymbolicLinkShouldBeSetAsideAndItsTargetNeverMailed() throws Exception {
        TestNode a = start(Map.of());
        Path pickup = a.node.settings().pickupDir();
        // a file the node can read and the attacker cannot, dressed as a mail to the attacker
        Path secret = Files.writeString(dir.resolve("secret.txt"),
                "To: attacker@example.com\r\nSubject: loot\r\n\r\nroot:x:0:0:root:/root:/bin/bash\r\n");
        Files.createSymbolicLink(pickup.resolve("leak.eml"), secret);
        TestMail marker = TestMail.to("bob@example.com");
        drop(pickup, "marker.eml", marker.bytes());

        awaitSetAside(pickup, "leak.eml");
        assertThat(Files.readString(pickup.resolve("rejected/leak.eml.reason"))).contains("symbolic link");
        assertThat(Files.isSymbolicLink(pickup.resolve("rejected/leak.eml"))).isTrue();
        await().atMost(WAIT).until(() -> a.outbox().count() == 1 && a.depth(Queues.mailbox("a")) == 0);
        assertThat(a.outbox().mails()).singleElement()
                .satisfies(m -> assertThat(m.header("Message-ID")).contains(marker.messageId()));
        assertThat(secret).exists();
    }

    @Test
    void aLinkInPlaceOfTheRejectedFolderShouldNeitherBeFollowedNorStopGoodMail() throws Exception {
        // someone who may write into the pickup folder points rejected/ at the routes the node loads; planted
        // before the node starts, so its first poll cannot create the real folder first
        Path pickup = Files.createDirectories(dir.resolve("pickup"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(pickup.resolve("rejected"), elsewhere);
        TestNode a = start(Map.of());
        assertThat(a.node.settings().pickupDir()).isEqualTo(pickup);
        drop(pickup, "route.eml", "Subject: no recipient\r\n\r\n<routes/>\r\n".getBytes(StandardCharsets.US_ASCII));
        TestMail good = TestMail.to("bob@example.com");
        drop(pickup, "good.eml", good.bytes());

        await().atMost(WAIT).until(() -> a.outbox().count() == 1);
        assertThat(a.outbox().mails().get(0).header("Message-ID")).contains(good.messageId());
        assertThat(names(elsewhere)).isEmpty();
        assertThat(names(pickup.resolve(".claimed/a"))).singleElement().satisfies(n -> assertThat(n).endsWith(".route.eml"));
    }

    @Test
    void aNamedPipeShouldBeSetAsideWithoutBlockingThePickup() throws Exception {
        TestNode a = start(Map.of());
        Path pickup = a.node.settings().pickupDir();
        Process mkfifo = new ProcessBuilder("mkfifo", pickup.resolve("pipe.eml").toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        drop(pickup, "after.eml", TestMail.to("bob@example.com").bytes());

        awaitSetAside(pickup, "pipe.eml");
        assertThat(Files.readString(pickup.resolve("rejected/pipe.eml.reason"))).contains("not a regular file");
        await().atMost(WAIT).until(() -> a.outbox().count() == 1);
    }

    @Test
    void aFileStillBeingWrittenShouldBeReadOnlyOnceItStopsChanging() throws Exception {
        TestNode a = start(Map.of(IngressSettingsCatalog.PICKUP_MIN_AGE, "1h"));
        Path pickup = a.node.settings().pickupDir();
        byte[] head = "From: cron@example.com\r\nTo: ops@example.com\r\nSubject: nightly report\r\n\r\npart one\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "part two\r\n".getBytes(StandardCharsets.US_ASCII);
        Path slow = pickup.resolve("report.eml");
        try (OutputStream writing = Files.newOutputStream(slow)) { // cp writes in place, under the final name
            writing.write(head);
            writing.flush();
            TestMail marker = TestMail.to("bob@example.com");
            drop(pickup, "marker.eml", marker.bytes());

            // the folder was polled after the half-written file appeared: the marker came through, the report not
            await().atMost(WAIT).until(() -> a.outbox().count() >= 1);
            assertThat(a.outbox().mails()).singleElement()
                    .satisfies(m -> assertThat(m.header("Message-ID")).contains(marker.messageId()));
            assertThat(slow).exists();
            writing.write(tail);
        }
        Files.setLastModifiedTime(slow, LONG_AGO); // as if it had stayed unchanged for longer than min-age

        await().atMost(WAIT).until(() -> a.outbox().count() == 2);
        byte[] whole = new byte[head.length + tail.length];
        System.arraycopy(head, 0, whole, 0, head.length);
        System.arraycopy(tail, 0, whole, head.length, tail.length);
        assertThat(a.outbox().mails()).anySatisfy(m -> assertThat(m.original()).isEqualTo(whole));
    }

    @Test
    void twoNodesSharingOnePickupFolderByMistakeShouldPublishEachFileOnce() throws Exception {
        TestNode a = start(Map.of());
        TestNode b = TestNode.start(TestHome.config("b", dir, TestHome.freePort(),
                Map.of(CoreSettingsCatalog.BROKER_URL, a.brokerUrl())));
        nodes.add(b);
        Path pickup = a.node.settings().pickupDir();
        assertThat(b.node.settings().pickupDir()).isEqualTo(pickup);
        int files = 40;
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            Path file = Files.write(pickup.resolve("m" + i + ".eml.tmp"), TestMail.to("rcpt" + i + "@example.com").bytes());
            Files.setLastModifiedTime(file, LONG_AGO);
            written.add(file);
        }
        for (Path file : written) { // all at once, as a script dropping a batch would
            Files.move(file, pickup.resolve(file.getFileName().toString().replace(".tmp", "")));
        }

        await().atMost(WAIT).until(() -> names(pickup).stream().noneMatch(n -> n.endsWith(".eml"))
                && a.outbox().count() == files && a.depth(Queues.mailbox("a")) == 0 && a.depth(Queues.mailbox("b")) == 0
                && a.depth(Queues.outbound("a")) == 0 && a.depth(Queues.outbound("b")) == 0);
        assertThat(messagesAdded(a, Queues.mailbox("a")) + messagesAdded(a, Queues.mailbox("b")))
                .as("each file published once, by one of the two nodes").isEqualTo(files);
        assertThat(Maildir.messageIdCounts(List.of(a.outbox())).values()).allMatch(n -> n == 1);
    }

    @Test
    void twoRejectedFilesOfTheSameNameShouldBothBeKeptWithTheirReasons() throws Exception {
        TestNode a = start(Map.of());
        Path pickup = a.node.settings().pickupDir();
        Path rejected = pickup.resolve("rejected");

        drop(pickup, "bad.eml", "Subject: first\r\n\r\nno recipient\r\n".getBytes(StandardCharsets.US_ASCII));
        await().atMost(WAIT).until(() -> names(rejected).size() == 2);
        drop(pickup, "bad.eml", "Subject: second\r\n\r\nno recipient either\r\n".getBytes(StandardCharsets.US_ASCII));

        await().atMost(WAIT).until(() -> names(rejected).size() == 4);
        List<String> contents = new ArrayList<>();
        for (String name : names(rejected)) {
            String text = Files.readString(rejected.resolve(name));
            if (name.endsWith(".reason")) {
                assertThat(text).contains("no recipient");
            } else {
                contents.add(text);
            }
        }
        assertThat(contents).hasSize(2).anyMatch(t -> t.contains("first")).anyMatch(t -> t.contains("second"));
        assertThat(a.outbox().count()).isZero();
    }
}
