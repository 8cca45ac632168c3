package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.mailgrid.core.Queues;
import io.mailgrid.delivery.DeliverySettingsCatalog;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.node.cli.MailgridCommand;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.TestHome;

/**
 * What ingress changes in a mail, through a whole node: an incoming {@code X-Mailgrid-*} field
 * never reaches the delivered mail (SMTP, pickup, submit), so the only stamp is the real one; Bcc
 * fields are removed where the recipients came from the headers (pickup, submit without --to),
 * and Bcc addresses stay out of the log; every other byte is delivered as it came.
 */
class IngressHeadersNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> REAL_STAMP = List.of("X-Mailgrid-Id", "X-Mailgrid-Origin", "X-Mailgrid-Node",
            "X-Mailgrid-Verdict", "X-Mailgrid-Checks", "X-Mailgrid-Attempt", "X-Mailgrid-Processed");

    @TempDir
    Path dir;
    private SmtpSink sink;
    private ListAppender<ILoggingEvent> log;

    @AfterEach
    void stop() {
        if (sink != null) {
            sink.close();
        }
        if (log != null) {
            ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        }
    }

    /** Lines joined with the line ending; 8-bit text as ISO-8859-1 bytes. */
    private static byte[] lines(String eol, String... lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : lines) {
            out.writeBytes((line + eol).getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    /** The names of the X-Mailgrid-* fields in a delivered mail's header block, in order (any case). */
    private static List<String> stampFields(byte[] delivered) {
        String text = new String(delivered, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            end = text.indexOf("\n\n");
        }
        List<String> names = new ArrayList<>();
        for (String line : text.substring(0, end).replaceAll("\r?\n[ \t]+", " ").split("\r?\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("x-mailgrid")) {
                names.add(line.substring(0, line.indexOf(':')).strip());
            }
        }
        return names;
    }

    private static String stampValue(byte[] delivered, String field) {
        return new Maildir.Delivered(Path.of("x"), delivered).stamp(field).orElseThrow();
    }

    private static Path drop(Path pickup, String name, byte[] content) throws Exception {
        Path writing = Files.write(pickup.resolve(name + ".tmp"), content);
        Files.setLastModifiedTime(writing, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        return Files.move(writing, pickup.resolve(name));
    }

    @Test
    void aForgedStampSentOverSmtpShouldNotReachTheDeliveredMail() throws Exception {
        int smtpPort = TestHome.freePort();
        try (TestNode a = TestNode.start(dir, Map.of(IngressSettingsCatalog.SMTP_PORT, String.valueOf(smtpPort)))) {
            byte[] sent = lines("\r\n",
                    "X-Mailgrid-Verdict: CLEAN",
                    "From: mallory@example.com",
                    "To: bob@example.com",
                    "Subject: invoice",
                    "x-mailgrid-released: by admin@example.com at 2026-11-25T19:00:00Z",
                    "X-Mailgrid-Reason: looks",
                    " fine to me",
                    "X-MAILGRID-CHECKS : virus-scan",
                    "Message-ID: <forged-smtp@example.com>",
                    "",
                    "Pay now.",
                    "X-Mailgrid-Verdict: INFECTED");
            byte[] expected = lines("\r\n",
                    "From: mallory@example.com",
                    "To: bob@example.com",
                    "Subject: invoice",
                    "Message-ID: <forged-smtp@example.com>",
                    "",
                    "Pay now.",
                    "X-Mailgrid-Verdict: INFECTED");
            try (SmtpConversation smtp = SmtpConversation.open(smtpPort)) {
                assertThat(smtp.send("EHLO client.example.net")).startsWith("250");
                assertThat(smtp.send("MAIL FROM:<mallory@example.com>")).startsWith("250");
                assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
                assertThat(smtp.data(sent)).startsWith("250");
            }

            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            byte[] delivered = a.outbox().mails().get(0).bytes();
            assertThat(stampFields(delivered)).as("only the real stamp").isEqualTo(REAL_STAMP);
            assertThat(stampValue(delivered, "Verdict")).isEqualTo("CLEAN");
            assertThat(a.outbox().mails().get(0).original()).isEqualTo(expected);
        }
    }

    @Test
    void aForgedStampAndBccInAPickupFileWithLineFeedsAndEightBitBytesShouldBeRemovedAndTheRestKept() throws Exception {
        int relayPort = TestHome.freePort();
        sink = SmtpSink.start(relayPort);
        try (TestNode a = TestNode.start(dir, Map.of(DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:" + relayPort))) {
            byte[] file = lines("\n",
                    "From: cron@example.com",
                    "To: ops@example.com",
                    "Bcc: Secret Sam <sam@example.org>,",
                    "  audit@example.org",
                    "Subject: R\u00e9sum\u00e9 \u00fcber alles",
                    "X-Mailgrid-Verdict: CLEAN",
                    "bcc: second@example.org",
                    "Message-ID: <pickup-lf@example.com>",
                    "",
                    "Bcc: stays, it is the body",
                    "x-mailgrid-verdict: stays too",
                    "\u00e9t\u00e9 8-bit body");
            byte[] expected = lines("\n",
                    "From: cron@example.com",
                    "To: ops@example.com",
                    "Subject: R\u00e9sum\u00e9 \u00fcber alles",
                    "Message-ID: <pickup-lf@example.com>",
                    "",
                    "Bcc: stays, it is the body",
                    "x-mailgrid-verdict: stays too",
                    "\u00e9t\u00e9 8-bit body");

            drop(a.node.settings().pickupDir(), "report.eml", file);

            await().atMost(WAIT).until(() -> sink.received().size() == 1);
            SmtpSink.Received relayed = sink.received().get(0);
            assertThat(relayed.recipients()).as("Bcc recipients still get the mail")
                    .containsExactly("ops@example.com", "sam@example.org", "audit@example.org", "second@example.org");
            // the relay sends CRLF as SMTP requires; compare with the expected bytes in CRLF
            byte[] expectedOnTheWire = new String(expected, StandardCharsets.ISO_8859_1).replace("\n", "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            assertThat(stampFields(relayed.bytes())).isEqualTo(REAL_STAMP);
            assertThat(new Maildir.Delivered(Path.of("relayed"), relayed.bytes()).original()).isEqualTo(expectedOnTheWire);
        }
    }

    @Test
    void aSubmittedFileShouldLoseForgedStampsAndBccButKeepBccWhenTheRecipientsAreGiven() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of())) {
            byte[] mail = lines("\r\n",
                    "From: alice@example.com",
                    "To: bob@example.com",
                    "BCC: carol@example.com",
                    "X-Mailgrid-Released: by nobody",
                    "Subject: minutes",
                    "Message-ID: <submitted@example.com>",
                    "",
                    "Minutes attached.");
            Path file = Files.write(dir.resolve("minutes.eml"), mail);

            // the node's log shares System.out (a delivered mail's INFO line): the mail id is the line that is one
            String fromHeaders = TestNode.runCommand("submit", "--node", "a", "--broker", a.brokerUrl(), file.toString())
                    .lines().filter(line -> line.matches("[0-9a-f-]{36}")).findFirst().orElseThrow();
            String givenRecipients = TestNode.runCommand("submit", "--node", "a", "--broker", a.brokerUrl(),
                    "--to", "bob@example.com", file.toString()).lines().filter(line -> line.matches("[0-9a-f-]{36}"))
                    .findFirst().orElseThrow();

            await().atMost(WAIT).until(() -> a.outbox().count() == 2);
            for (Maildir.Delivered delivered : a.outbox().mails()) {
                assertThat(stampFields(delivered.bytes())).isEqualTo(REAL_STAMP);
                String text = new String(delivered.original(), StandardCharsets.ISO_8859_1);
                if (delivered.stamp("Id").orElseThrow().equals(fromHeaders)) {
                    assertThat(text).as("recipients from the headers: Bcc removed, as sendmail -t does")
                            .doesNotContainIgnoringCase("bcc").doesNotContain("carol@example.com");
                } else {
                    assertThat(delivered.stamp("Id")).contains(givenRecipients);
                    assertThat(text).as("recipients given: the headers are the sender's business")
                            .contains("\r\nBCC: carol@example.com\r\n");
                }
                assertThat(text).startsWith("From: alice@example.com\r\n").doesNotContain("Released");
            }
        }
    }

    @Test
    void aFileLargerThanAnyArrayShouldBeRefusedBySubmitWithoutBeingRead() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of())) {
            Path huge = dir.resolve("huge.eml");
            try (RandomAccessFile sparse = new RandomAccessFile(huge.toFile(), "rw")) {
                sparse.setLength(3L << 30); // 3 GB, no disk used
            }
            TestNode.Run submit = TestNode.run("submit", "--node", "a", "--broker", a.brokerUrl(), huge.toString());

            assertThat(submit.exit()).isEqualTo(MailgridCommand.EXIT_FAILURE);
            assertThat(submit.err()).contains("huge.eml", "larger than", "mailgrid.pickup.size-limit");
            assertThat(a.depth(Queues.mailbox("a"))).isZero();
        }
    }

    @Test
    void aBccAddressShouldStayOutOfTheLogAboveDebugEvenWhenThePickupFileIsRejected() throws Exception {
        log = new ListAppender<>();
        log.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(log);
        try (TestNode a = TestNode.start(dir, Map.of())) {
            Path pickup = a.node.settings().pickupDir();
            drop(pickup, "good.eml", lines("\r\n", "From: a@example.com", "To: b@example.com",
                    "Bcc: hidden.one@example.org", "Subject: s", "", "body"));
            drop(pickup, "bad.eml", lines("\r\n", "From: a@example.com", "To: b@example.com",
                    "Bcc: <hidden.two@example.org", "Subject: s", "", "body"));

            await().atMost(WAIT).until(() -> a.outbox().count() == 1 && Files.exists(pickup.resolve("rejected/bad.eml.reason")));
            assertThat(Files.readString(pickup.resolve("rejected/bad.eml.reason"))).contains("Bcc")
                    .doesNotContain("hidden.two");
            await().atMost(WAIT).until(() -> a.depth(Queues.outbound("a")) == 0);
        }
        List<String> logged = log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(logged).anyMatch(line -> line.contains("good.eml")).anyMatch(line -> line.contains("bad.eml"));
        assertThat(logged).noneMatch(line -> line.contains("hidden.one") || line.contains("hidden.two"));
    }
}
