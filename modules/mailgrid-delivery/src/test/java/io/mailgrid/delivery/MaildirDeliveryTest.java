package io.mailgrid.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.testing.TestClock;

class MaildirDeliveryTest {

    @TempDir
    Path maildir;

    private static Map<String, Object> properties(Envelope envelope) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(MailProperty.MAIL_ID, envelope.mailId());
        properties.put(MailProperty.ORIGIN, envelope.origin());
        properties.put(MailProperty.MAIL_FROM, envelope.mailFrom());
        properties.put(MailProperty.RCPT_TO, String.join(",", envelope.recipients()));
        properties.put(MailProperty.SOURCE, envelope.source());
        properties.put(MailProperty.RECEIVED_AT, envelope.receivedAt().toEpochMilli());
        properties.put(MailProperty.SIZE, envelope.size());
        properties.put(MailProperty.VERDICT, "CLEAN");
        return properties;
    }

    @Test
    void aMailShouldLandInNewWithTheStampInFrontAndNothingLeftInTmp() throws Exception {
        MaildirDelivery delivery = new MaildirDelivery(maildir, true);
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test", Instant.now(), mail.length);

        delivery.deliver(properties(envelope), mail);

        try (var files = Files.list(maildir.resolve("new"))) {
            Path file = files.findFirst().orElseThrow();
            assertThat(file.getFileName().toString()).contains(envelope.mailId()).endsWith(".a");
            assertThat(Files.readString(file)).startsWith("X-Mailgrid-Id: " + envelope.mailId() + "\r\n")
                    .endsWith("Subject: hi\r\n\r\nbody\r\n");
        }
        try (var files = Files.list(maildir.resolve("tmp"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void deliveringTheSameMailAgainShouldNotWriteASecondCopy() throws Exception {
        MaildirDelivery delivery = new MaildirDelivery(maildir, false);
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "", List.of("y@example.com"), "test", Instant.now(), mail.length);

        delivery.deliver(properties(envelope), mail);
        delivery.deliver(properties(envelope), mail); // redelivered after a crash before the acknowledgement
        Path inNew;
        try (var files = Files.list(maildir.resolve("new"))) {
            inNew = files.findFirst().orElseThrow();
        }
        Files.move(inNew, maildir.resolve("cur").resolve(inNew.getFileName() + ":2,"));
        delivery.deliver(properties(envelope), mail); // and again after a reader picked it up

        try (var fresh = Files.list(maildir.resolve("new")); var cur = Files.list(maildir.resolve("cur"))) {
            assertThat(fresh.count() + cur.count()).isEqualTo(1);
        }
    }

    // --- what a mail reader does to a delivered mail must not make a redelivery a second copy (case 2) ---

    @Test
    void aRedeliveredMailShouldStayOneCopyAfterAReaderFlaggedItAsSeen() throws Exception {
        Delivered first = deliverOnce();
        Files.move(first.file, maildir.resolve("cur").resolve(first.file.getFileName() + ":2,S"));

        first.delivery.deliver(properties(first.envelope), first.mail); // the commit was lost: delivered again

        assertThat(copiesOf(first.envelope.mailId())).isEqualTo(1);
    }

    @Test
    void aRedeliveredMailShouldStayOneCopyAfterDovecotAddedItsSizeToTheName() throws Exception {
        Delivered first = deliverOnce();
        long size = Files.size(first.file);
        Files.move(first.file, maildir.resolve("cur").resolve(first.file.getFileName() + ",S=" + size + ":2,"));

        first.delivery.deliver(properties(first.envelope), first.mail);

        assertThat(copiesOf(first.envelope.mailId())).isEqualTo(1);
    }

    @Test
    void aRedeliveredMailShouldNotComeBackAfterTheReaderDeletedIt() throws Exception {
        Delivered first = deliverOnce();
        Files.delete(first.file);

        first.delivery.deliver(properties(first.envelope), first.mail);

        assertThat(copiesOf(first.envelope.mailId())).as("the user deleted it; it must not reappear").isZero();
    }

    @Test
    void aDelivererPausedAfterItsCheckShouldNotAddASecondCopyWhenAPeerDeliveredMeanwhile() throws Exception {
        MaildirDelivery hung = new MaildirDelivery(maildir, false);
        MaildirDelivery peer = new MaildirDelivery(maildir, false);
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test", Instant.now(), mail.length);
        PausingProperties paused = new PausingProperties(properties(envelope));

        CompletableFuture<Void> hungDelivery = CompletableFuture.runAsync(() -> deliverQuietly(hung, paused, mail));
        paused.awaitPaused();
        peer.deliver(properties(envelope), mail); // the broker gave the mail to a peer after the TTL
        Path delivered = only(maildir.resolve("new"));
        Files.move(delivered, maildir.resolve("cur").resolve(delivered.getFileName() + ":2,S")); // and the user read it
        paused.resume();
        hungDelivery.get(10, TimeUnit.SECONDS);

        assertThat(copiesOf(envelope.mailId())).isEqualTo(1);
    }

    // --- a peer may deliver into a node's Maildir only if it is THAT node's Maildir (case 3) ---

    @Test
    void aPeerShouldNotTakeAnotherMaildirAtTheSamePathForTheDownNodesMaildir() throws Exception {
        Path path = maildir.resolve("outbox");
        String announcedByA = new MaildirDelivery(path, false).target();
        // on the peer, the same path is another volume: its own Maildir, not a's
        Files.move(path, maildir.resolve("a-volume-not-mounted-here"));
        new MaildirDelivery(path, false);

        assertThat(MaildirDelivery.reachable(announcedByA)).as("a's mail must wait for a").isEmpty();
    }

    @Test
    void aPeerShouldReachTheDownNodesMaildirWhenItIsTheSameOne() throws Exception {
        Path path = maildir.resolve("outbox");
        String announcedByA = new MaildirDelivery(path, false).target();

        assertThat(MaildirDelivery.reachable(announcedByA)).contains(path);
    }

    // --- the claim: whoever comes second, at any point, finishes or finds the one claimed copy (case 4) ---

    @Test
    void aDelivererPausedBetweenItsClaimAndItsMoveShouldFindItsCopyDeliveredByThePeer() throws Exception {
        MaildirDelivery hung = new MaildirDelivery(maildir, false);
        MaildirDelivery peer = new MaildirDelivery(maildir, false);
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test", Instant.now(), mail.length);

        MaildirDelivery.Pending claimed = hung.prepare(properties(envelope), mail); // then SIGSTOP
        peer.deliver(properties(envelope), mail); // the peer finishes the claimed copy
        Path delivered = only(maildir.resolve("new"));
        Files.move(delivered, maildir.resolve("cur").resolve(delivered.getFileName() + ":2,S"));
        hung.finish(claimed); // SIGCONT

        assertThat(copiesOf(envelope.mailId())).isEqualTo(1);
        assertThat(leftoverCopies()).as("no copy left behind").isZero();
    }

    @Test
    void aDelivererPausedBeforeItsClaimShouldDropItsCopyAndLeaveThePeersMail() throws Exception {
        MaildirDelivery hung = new MaildirDelivery(maildir, false);
        MaildirDelivery peer = new MaildirDelivery(maildir, false);
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test", Instant.now(), mail.length);
        Map<String, Object> hungProperties = properties(envelope);
        hungProperties.put(MailProperty.PROCESSED_BY, "hung");

        MaildirDelivery.Pending peers = peer.prepare(properties(envelope), mail);
        MaildirDelivery.Pending hungs = hung.prepare(hungProperties, mail); // wrote its copy, lost the claim
        hung.finish(hungs); // it moves the claimed copy: the peer's
        peer.finish(peers); // finds it moved

        assertThat(copiesOf(envelope.mailId())).isEqualTo(1);
        assertThat(Files.readString(only(maildir.resolve("new")))).doesNotContain("X-Mailgrid-Node: hung");
        assertThat(leftoverCopies()).isZero();
    }

    @Test
    void aDeliveryThatStoppedAfterItsClaimShouldBeFinishedByTheRedelivery() throws Exception {
        MaildirDelivery crashed = new MaildirDelivery(maildir, true);
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test", Instant.now(), mail.length);
        crashed.prepare(properties(envelope), mail); // kill -9 here

        new MaildirDelivery(maildir, true).deliver(properties(envelope), mail);

        assertThat(copiesOf(envelope.mailId())).isEqualTo(1);
        assertThat(leftoverCopies()).isZero();
    }

    @Test
    void aMailDeliveredByAMailgridWithoutTheRecordShouldNotBeWrittenAgain() throws Exception {
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test", Instant.now(), mail.length);
        MaildirDelivery delivery = new MaildirDelivery(maildir, false);
        Files.writeString(maildir.resolve("new").resolve(MaildirDelivery.fileName(envelope)),
                "X-Mailgrid-Id: " + envelope.mailId() + "\r\nSubject: hi\r\n\r\nbody\r\n");

        delivery.deliver(properties(envelope), mail);
        Path file = only(maildir.resolve("new"));
        Files.move(file, maildir.resolve("cur").resolve(file.getFileName() + ":2,S"));
        delivery.deliver(properties(envelope), mail);

        assertThat(copiesOf(envelope.mailId())).isEqualTo(1);
    }

    @Test
    void aMailIdThatCannotNameAFileShouldFailTheDeliveryNotEscapeTheMaildir() throws Exception {
        MaildirDelivery delivery = new MaildirDelivery(maildir, false);
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test", Instant.now(), mail.length)
                .withMailId("../../escape");

        assertThatThrownBy(() -> delivery.deliver(properties(envelope), mail)).isInstanceOf(IOException.class)
                .hasMessageContaining("cannot name a file");
        try (Stream<Path> files = Files.walk(maildir.getParent(), 1)) {
            assertThat(files).noneMatch(f -> f.getFileName().toString().contains("escape"));
        }
    }

    // --- the record is bounded: a day without deliveries for the retention is pruned ---

    @Test
    void aDayWithoutDeliveriesForTheRetentionShouldBePrunedAndARecentOneKept() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-25T12:00:00Z"));
        MaildirDelivery delivery = new MaildirDelivery(maildir, new MaildirDelivery.Options(false, Duration.ofDays(30), clock));
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope old = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test",
                Instant.parse("2026-10-01T08:00:00Z"), mail.length);
        Envelope recent = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test",
                Instant.parse("2026-11-20T08:00:00Z"), mail.length);
        delivery.deliver(properties(old), mail);
        delivery.deliver(properties(recent), mail);
        Path days = maildir.resolve("mailgrid/delivered");
        Files.setLastModifiedTime(days.resolve("2026-10-01"), FileTime.from(Instant.parse("2026-10-01T08:00:01Z")));
        Files.setLastModifiedTime(days.resolve("2026-11-20"), FileTime.from(Instant.parse("2026-11-20T08:00:01Z")));

        clock.set(Instant.parse("2026-11-25T14:00:00Z")); // the next hourly prune is due
        delivery.deliver(properties(Envelope.received("a", "x@example.com", List.of("y@example.com"), "test",
                Instant.parse("2026-11-25T13:59:00Z"), mail.length)), mail);

        try (Stream<Path> left = Files.list(days)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("2026-11-20", "2026-11-25");
        }
    }

    @Test
    void aClaimPrunedDuringItsDeliveryShouldFailTheDeliveryNotAcknowledgeIt() throws Exception {
        MaildirDelivery delivery = new MaildirDelivery(maildir, false);
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test", Instant.now(), mail.length);
        MaildirDelivery.Pending pending = delivery.prepare(properties(envelope), mail);
        Path day = pending.claim().getParent();
        Files.move(day, day.resolveSibling(".pruned-" + day.getFileName())); // what a prune does first

        assertThatThrownBy(() -> delivery.finish(pending)).isInstanceOf(IOException.class).hasMessageContaining("retrying");
        delivery.deliver(properties(envelope), mail); // the broker redelivers it

        assertThat(copiesOf(envelope.mailId())).isEqualTo(1);
    }

    // --- identity ---

    @Test
    void twoNodesOpeningOneMaildirShouldAgreeOnItsIdentity() throws Exception {
        Path shared = maildir.resolve("shared");
        assertThat(new MaildirDelivery(shared, false).target()).isEqualTo(new MaildirDelivery(shared, false).target())
                .startsWith("maildir:").endsWith(":" + shared);
    }

    private record Delivered(MaildirDelivery delivery, Envelope envelope, byte[] mail, Path file) {
    }

    private Delivered deliverOnce() throws Exception {
        MaildirDelivery delivery = new MaildirDelivery(maildir, false);
        byte[] mail = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope envelope = Envelope.received("a", "x@example.com", List.of("y@example.com"), "test", Instant.now(), mail.length);
        delivery.deliver(properties(envelope), mail);
        return new Delivered(delivery, envelope, mail, only(maildir.resolve("new")));
    }

    private static void deliverQuietly(MaildirDelivery delivery, Map<String, Object> properties, byte[] mail) {
        try {
            delivery.deliver(properties, mail);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path only(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    /** Copies in the record that were never moved into the Maildir. */
    private long leftoverCopies() throws IOException {
        try (Stream<Path> files = Files.walk(maildir.resolve("mailgrid/delivered"))) {
            return files.filter(f -> f.getFileName().toString().contains("+") && Files.isRegularFile(f)).count();
        }
    }

    /** Files in new/ and cur/ that carry this mail id in their stamp: what a mail reader would show. */
    private long copiesOf(String mailId) throws IOException {
        long copies = 0;
        for (String folder : List.of("new", "cur")) {
            try (Stream<Path> files = Files.list(maildir.resolve(folder))) {
                for (Path file : files.toList()) {
                    if (Files.readString(file, StandardCharsets.ISO_8859_1).startsWith("X-Mailgrid-Id: " + mailId + "\r\n")) {
                        copies++;
                    }
                }
            }
        }
        return copies;
    }

    /**
     * The properties of a mail, holding the delivering thread the first time the stamp reads the verdict:
     * a deliverer hung (SIGSTOP, a long GC pause) after it looked for an earlier delivery and before its
     * file is in place.
     */
    private static final class PausingProperties extends HashMap<String, Object> {
        private final CountDownLatch paused = new CountDownLatch(1);
        private final CountDownLatch resumed = new CountDownLatch(1);

        PausingProperties(Map<String, Object> properties) {
            super(properties);
        }

        @Override
        public Object get(Object key) {
            if (MailProperty.VERDICT.equals(key) && paused.getCount() > 0) {
                paused.countDown();
                try {
                    resumed.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.get(key);
        }

        void awaitPaused() throws InterruptedException {
            assertThat(paused.await(10, TimeUnit.SECONDS)).as("the deliverer reached the pause").isTrue();
        }

        void resume() {
            resumed.countDown();
        }
    }
}
