package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.jms.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;
import io.mailgrid.delivery.DeliverySettingsCatalog;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.PythonSmtpClient;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * A whole node with SMTP in and SMTP out, on the shipped routes and broker.xml: mail sent by
 * Jakarta Mail or Python's smtplib comes out at a real SMTP server, stamped and otherwise unchanged,
 * for every recipient; a relay that is down delays mail without losing it; a relay's 5xx sends
 * the mail (or just the refused recipients) to the dead-letter queue with its reply.
 */
class SmtpNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final int smtpPort = TestHome.freePort();
    private final int relayPort = TestHome.freePort();
    private SmtpSink sink;

    @AfterEach
    void stopSink() {
        if (sink != null) {
            sink.close();
        }
    }

    private TestNode start(Map<String, String> extra) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                IngressSettingsCatalog.SMTP_PORT, String.valueOf(smtpPort),
                DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:" + relayPort));
        settings.putAll(extra);
        return TestNode.start(dir, settings);
    }

    @Test
    void aMailSentWithJakartaMailShouldReachTheRelayForEveryRecipientWithItsBytesUnchanged() throws Exception {
        sink = SmtpSink.start(relayPort);
        try (TestNode a = start(Map.of())) {
            TestMail mail = TestMail.to("bob@example.com", "carol@example.com").header("X-Long", "w".repeat(4000));
            Session session = Session.getInstance(new Properties());
            MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(mail.bytes()));
            try (Transport transport = session.getTransport("smtp")) {
                transport.connect("127.0.0.1", smtpPort, null, null);
                transport.sendMessage(message, InternetAddress.parse("bob@example.com, carol@example.com, dave@example.org"));
            }

            await().atMost(WAIT).until(() -> sink.received().size() == 1);
            SmtpSink.Received relayed = sink.received().get(0);
            assertThat(relayed.from()).isEqualTo("alice@example.com");
            assertThat(relayed.recipients()).containsExactly("bob@example.com", "carol@example.com", "dave@example.org");
            assertThat(original(relayed.bytes())).isEqualTo(mail.bytes());
            assertThat(new String(relayed.bytes(), StandardCharsets.US_ASCII))
                    .startsWith("X-Mailgrid-Id: ").contains("\r\nX-Mailgrid-Verdict: CLEAN\r\n");
            await().atMost(WAIT).until(() -> a.depth(Queues.outbound("a")) == 0);
            assertThat(a.outbox().count()).as("nothing in the Maildir when relaying").isZero();
        }
    }

    @Test
    void aMailSentByPythonSmtplibShouldKeepEightBitBytesAndLongHeaderLinesByteForByte() throws Exception {
        sink = SmtpSink.start(relayPort);
        try (TestNode a = start(Map.of())) {
            byte[] body = new byte[2048];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) (i % 64 == 63 ? '\n' : 0x80 + i % 128);
            }
            byte[] crlfBody = new String(body, StandardCharsets.ISO_8859_1).replace("\n", "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            TestMail mail = TestMail.to("bob@example.com").subject("\u00c4rger \u00fcber \u00d6l")
                    .header("X-Very-Long", "v".repeat(12_000)).body(crlfBody);
            Path file = Files.write(dir.resolve("python.eml"), mail.bytes());

            PythonSmtpClient.Result result = PythonSmtpClient.send(smtpPort, "alice@example.com",
                    List.of("bob@example.com", "carol@example.com"), file);
            assertThat(result.exitCode()).as(result.output()).isZero();

            await().atMost(WAIT).until(() -> sink.received().size() == 1);
            assertThat(sink.received().get(0).recipients()).containsExactly("bob@example.com", "carol@example.com");
            assertThat(original(sink.received().get(0).bytes())).isEqualTo(mail.bytes());
        }
    }

    @Test
    void aRelayThatIsDownForAWhileShouldDelayTheMailButNotLoseIt() throws Exception {
        try (TestNode a = start(Map.of(BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS, "30"))) {
            String id = a.publish(TestMail.to("bob@example.com").subject("patience"));

            // nobody listens on the relay port: the mail waits in the outbound queue, retried with back-off
            await().atMost(WAIT).until(() -> a.depth(Queues.outbound("a")) == 1);
            await().during(Duration.ofSeconds(2)).atMost(WAIT)
                    .until(() -> a.depth(Queues.outbound("a")) == 1 && a.depth(Queues.DLQ) == 0);

            GreenMail greenMail = new GreenMail(new ServerSetup(relayPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            greenMail.start();
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> greenMail.getReceivedMessages().length == 2);
                assertThat(greenMail.getReceivedMessages()).allSatisfy(m -> {
                    assertThat(m.getSubject()).isEqualTo("patience");
                    assertThat(m.getHeader("X-Mailgrid-Id")).containsExactly(id);
                });
                await().atMost(WAIT).until(() -> a.depth(Queues.outbound("a")) == 0);
                assertThat(a.depth(Queues.DLQ)).isZero();
            } finally {
                greenMail.stop();
            }
        }
    }

    @Test
    void aRelayRefusingEveryRecipientShouldSendTheMailToTheDeadLetterQueueWithItsReply() throws Exception {
        sink = SmtpSink.start(relayPort)
                .refuse("bob@example.com", 550, "5.1.1 <bob@example.com>: Recipient address rejected: User unknown")
                .refuse("carol@example.com", 550, "5.7.1 <carol@example.com>: Relay access denied");
        try (TestNode a = start(Map.of())) {
            String id = a.publish(TestMail.to("bob@example.com"));

            Message dead = a.receive(Queues.DLQ, WAIT.toMillis());
            assertThat(dead).as("mail in mailgrid.dlq").isNotNull();
            assertThat(dead.getStringProperty(MailProperty.MAIL_ID)).isEqualTo(id);
            assertThat(dead.getStringProperty(MailProperty.REASON))
                    .contains("550 5.1.1 <bob@example.com>: Recipient address rejected: User unknown")
                    .contains("550 5.7.1 <carol@example.com>: Relay access denied");
            assertThat(dead.getStringProperty(MailProperty.FAILED_QUEUE)).isEqualTo(Queues.outbound("a"));
            assertThat(dead.getIntProperty(MailProperty.DELIVERY_COUNT)).as("at once, no retries").isEqualTo(1);
            assertThat(sink.received()).isEmpty();
            await().atMost(WAIT).until(() -> a.depth(Queues.outbound("a")) == 0);
        }
    }

    @Test
    void aRelayTakingSomeRecipientsShouldDeadLetterTheRefusedRetryTheDeferredAndNeverResendTheTaken() throws Exception {
        sink = SmtpSink.start(relayPort)
                .refuse("carol@example.com", 550, "5.1.1 <carol@example.com>: User unknown")
                .refuseFirst("dave@example.org", 2, 451, "4.7.1 <dave@example.org>: greylisted, try again");
        try (TestNode a = start(Map.of(BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS, "5"))) {
            byte[] bytes = TestMail.to("bob@example.com").subject("mixed").bytes();
            Envelope envelope = Envelope.received("a", "alice@example.com",
                    List.of("bob@example.com", "carol@example.com", "dave@example.org"), "test", Instant.now(),
                    bytes.length);
            a.node.publisher().publish(envelope, bytes);

            Message dead = a.receive(Queues.DLQ, WAIT.toMillis());
            assertThat(dead).isNotNull();
            assertThat(dead.getStringProperty(MailProperty.RCPT_TO)).isEqualTo("carol@example.com");
            assertThat(dead.getStringProperty(MailProperty.REASON)).contains("550 5.1.1 <carol@example.com>: User unknown");
            assertThat(dead.getBody(byte[].class)).isEqualTo(bytes);

            await().atMost(WAIT).until(() -> sink.recipients().contains("dave@example.org"));
            assertThat(sink.recipients()).as("bob once, dave after two deferrals, carol never")
                    .containsExactly("bob@example.com", "dave@example.org");
            assertThat(sink.refusals("dave@example.org")).isEqualTo(2);
            await().atMost(WAIT).until(() -> a.depth(Queues.outbound("a")) == 0);
            assertThat(a.depth(Queues.DLQ)).isZero();
            assertThat(original(sink.received().get(1).bytes())).isEqualTo(bytes);
        }
    }

    /** The relayed bytes after the X-Mailgrid-* stamp block. */
    private static byte[] original(byte[] relayed) {
        return new Maildir.Delivered(Path.of("relayed"), relayed).original();
    }
}
