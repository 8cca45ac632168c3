package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.mail.Address;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.MemoryBudget;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.LogCapture;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The SMTP listener against a real embedded Artemis broker (the shipped broker.xml): what the
 * client hears, and what lands in the mailbox queue.
 */
class SmtpIngressTest {

    @TempDir
    static Path dir;
    static MailgridConfig brokerConfig;
    static EmbeddedBroker broker;
    static ActiveMQConnectionFactory factory;

    private SmtpIngress ingress;
    private MailPublisher publisher;
    private int port;

    @BeforeAll
    static void startBroker() {
        brokerConfig = TestHome.config("a", dir, TestHome.freePort(), Map.of());
        broker = EmbeddedBroker.start(brokerConfig, dir.resolve("broker"));
        factory = BrokerConnection.forCommand(brokerConfig);
    }

    @AfterAll
    static void stopBroker() {
        factory.close();
        broker.close();
    }

    @AfterEach
    void stopIngress() {
        if (ingress != null) {
            ingress.close();
            publisher.close();
        }
        drain();
    }

    private void start(Map<String, String> settings) {
        port = TestHome.freePort();
        Map<String, String> values = new HashMap<>(settings);
        values.put(IngressSettingsCatalog.SMTP_PORT, String.valueOf(port));
        publisher = new MailPublisher(factory);
        ingress = new SmtpIngress(SmtpSettings.from(brokerConfig.with(values)), publisher, new MemoryBudget(64 << 20), "a",
                java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(5));
        ingress.start();
    }

    @Test
    void aMailFromJakartaMailShouldKeepEveryRecipientAndItsBytesAndHear250OnlyWithTheMailId() throws Exception {
        start(Map.of());
        TestMail mail = TestMail.to("bob@example.com").header("Cc", "carol@example.com");
        Session session = Session.getInstance(new Properties());
        MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(mail.bytes()));
        Address[] recipients = InternetAddress.parse("bob@example.com, carol@example.com, dave@example.org");

        String reply;
        try (SMTPTransport transport = (SMTPTransport) session.getTransport("smtp")) {
            transport.setLocalHost("client.example.net");
            transport.connect("127.0.0.1", port, null, null);
            transport.sendMessage(message, recipients);
            reply = transport.getLastServerResponse();
        }

        Message published = receive();
        assertThat(published).as("published to mailgrid.mailbox.a").isNotNull();
        assertThat(reply).startsWith("250 2.0.0").contains(published.getStringProperty(MailProperty.MAIL_ID));
        assertThat(published.getStringProperty(MailProperty.RCPT_TO))
                .isEqualTo("bob@example.com,carol@example.com,dave@example.org");
        assertThat(published.getStringProperty(MailProperty.MAIL_FROM)).isEqualTo("alice@example.com");
        assertThat(published.getStringProperty(MailProperty.SOURCE)).isEqualTo("smtp");
        assertThat(published.getStringProperty(MailProperty.CLIENT_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(published.getStringProperty(MailProperty.HELO)).isEqualTo("client.example.net");
        assertThat(published.getStringProperty(MailProperty.ORIGIN)).isEqualTo("a");
        assertThat(published.getBody(byte[].class)).isEqualTo(mail.bytes());
        assertThat(published.getLongProperty(MailProperty.SIZE)).isEqualTo(mail.bytes().length);
    }

    @Test
    void eightBitBytesLongHeaderLinesAndLeadingDotsShouldArriveByteForByte() throws Exception {
        start(Map.of());
        byte[] body = new byte[3000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (128 + i % 128); // 8-bit, no line breaks ...
        }
        TestMail mail = TestMail.to("bob@example.com")
                .subject("Gr\u00fc\u00dfe aus K\u00f6ln") // raw UTF-8 in a header
                .header("X-Long", "y".repeat(20_000))
                .body(concat(body, "\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n".getBytes(StandardCharsets.US_ASCII)));

        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            assertThat(smtp.send("EHLO client.example.net")).contains("8BITMIME");
            assertThat(smtp.send("MAIL FROM:<alice@example.com> BODY=8BITMIME")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
            assertThat(smtp.data(mail.bytes())).startsWith("250 2.0.0 Ok: queued as ");
        }
        assertThat(receive().getBody(byte[].class)).isEqualTo(mail.bytes());
    }

    @Test
    void aMailOverTheSizeLimitShouldGet552AndTheSessionShouldGoOn() throws Exception {
        start(Map.of(IngressSettingsCatalog.SMTP_SIZE_LIMIT, "1000"));
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            assertThat(smtp.send("EHLO client")).contains("SIZE 1000");
            assertThat(smtp.send("MAIL FROM:<alice@example.com> SIZE=5000")).startsWith("552");

            assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
            byte[] big = TestMail.to("bob@example.com").body(("x".repeat(70) + "\r\n").repeat(30)).bytes();
            assertThat(smtp.data(big)).startsWith("552 5.3.4");

            assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
            assertThat(smtp.data(TestMail.to("bob@example.com").bytes())).startsWith("250");
        }
        assertThat(receive()).isNotNull();
        assertThat(receive(500)).as("only the small mail was published").isNull();
    }

    @Test
    void everyLineAboutAMailShouldCarryItsIdInTheMdcAndNoIdShouldLeakIntoTheNextMailOfTheSession() throws Exception {
        start(Map.of(IngressSettingsCatalog.SMTP_SIZE_LIMIT, "1000"));
        String first;
        String second;
        try (LogCapture log = LogCapture.of("io.mailgrid.ingress");
                SmtpConversation smtp = SmtpConversation.open(port)) {
            assertThat(smtp.send("EHLO client")).startsWith("250");
            first = queuedAs(send(smtp, TestMail.to("bob@example.com").bytes()));
            // on the same session thread: a mail refused before it had an id, then another mail
            assertThat(send(smtp, TestMail.to("bob@example.com").body(("x".repeat(70) + "\r\n").repeat(30)).bytes()))
                    .startsWith("552");
            second = queuedAs(send(smtp, TestMail.to("bob@example.com").bytes()));
            smtp.send("QUIT");

            assertThat(log.mentioning(first)).isNotEmpty()
                    .allSatisfy(line -> assertThat(line.mdc(MailProperty.MAIL_ID)).as(line.toString()).isEqualTo(first));
            assertThat(log.mentioning("refused: larger than")).singleElement()
                    .satisfies(line -> assertThat(line.mdc(MailProperty.MAIL_ID)).as(line.toString()).isNull());
            assertThat(log.mentioning(second)).isNotEmpty()
                    .allSatisfy(line -> assertThat(line.mdc(MailProperty.MAIL_ID)).as(line.toString()).isEqualTo(second));
        }
        assertThat(receive()).isNotNull();
        assertThat(receive()).isNotNull();
    }

    private static String send(SmtpConversation smtp, byte[] mail) {
        assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
        assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
        return smtp.data(mail);
    }

    /** The mail id in a 250 reply to the end of DATA. */
    private static String queuedAs(String reply) {
        assertThat(reply).startsWith("250 2.0.0 Ok: queued as ");
        return reply.substring("250 2.0.0 Ok: queued as ".length()).strip();
    }

    @Test
    void recipientsBeyondTheLimitShouldGet452AndTheMailShouldKeepTheAcceptedOnes() throws Exception {
        start(Map.of(IngressSettingsCatalog.SMTP_MAX_RECIPIENTS, "2"));
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            smtp.send("EHLO client");
            smtp.send("MAIL FROM:<alice@example.com>");
            assertThat(smtp.send("RCPT TO:<r1@example.com>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<r2@example.com>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<r3@example.com>")).startsWith("452 4.5.3");
            assertThat(smtp.data(TestMail.to("r1@example.com").bytes())).startsWith("250");
        }
        assertThat(receive().getStringProperty(MailProperty.RCPT_TO)).isEqualTo("r1@example.com,r2@example.com");
    }

    @Test
    void addressesThatCannotTravelInTheEnvelopeShouldGet553() {
        start(Map.of());
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            smtp.send("EHLO client");
            assertThat(smtp.send("MAIL FROM:<>")).as("the null sender is fine").startsWith("250");
            assertThat(smtp.send("RCPT TO:<a,b@example.com>")).startsWith("553 5.1.3");
            assertThat(smtp.send("RCPT TO:<\"a b\"@example.com>")).startsWith("553 5.1.3");
            assertThat(smtp.send("RCPT TO:<>")).startsWith("553 5.1.3");
            assertThat(smtp.send("DATA")).as("no recipient accepted yet").startsWith("503");
        }
    }

    @Test
    void badCommandsShouldGet5xxAndTheSessionShouldSurvive() throws Exception {
        start(Map.of());
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            assertThat(smtp.greeting()).startsWith("220 ").contains("Mailgrid");
            assertThat(smtp.send("FOO bar")).startsWith("500");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("503");
            assertThat(smtp.send("MAIL TO:<bob@example.com>")).startsWith("501");
            assertThat(smtp.send("DATA")).startsWith("503");
            assertThat(smtp.send("EHLO")).startsWith("501");

            assertThat(smtp.send("HELO client")).startsWith("250");
            assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
            assertThat(smtp.data(TestMail.to("bob@example.com").bytes())).startsWith("250");
            assertThat(smtp.send("QUIT")).startsWith("221");
        }
        assertThat(receive().getStringProperty(MailProperty.HELO)).isEqualTo("client");
    }

    @Test
    void aLineLongerThanTheLimitShouldGet500AndTheSessionShouldGoOn() throws Exception {
        start(Map.of(IngressSettingsCatalog.SMTP_MAX_LINE_LENGTH, "1000"));
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            smtp.send("EHLO client");
            smtp.send("MAIL FROM:<alice@example.com>");
            smtp.send("RCPT TO:<bob@example.com>");
            assertThat(smtp.data(TestMail.to("bob@example.com").header("X-Long", "z".repeat(1001)).bytes()))
                    .startsWith("500 5.5.2");

            smtp.send("MAIL FROM:<alice@example.com>");
            smtp.send("RCPT TO:<bob@example.com>");
            assertThat(smtp.data(TestMail.to("bob@example.com").header("X-Long", "z".repeat(900)).bytes())).startsWith("250");
        }
        assertThat(receive()).isNotNull();
    }

    @Test
    void aClientOutsideTheAllowedNetworksShouldBeRefusedAtConnect() {
        start(Map.of(IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS, "10.0.0.0/8, 192.0.2.0/24"));
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            assertThat(smtp.greeting()).startsWith("554 5.7.1");
        }
    }

    @Test
    void connectionsBeyondTheLimitShouldGet421() {
        start(Map.of(IngressSettingsCatalog.SMTP_MAX_CONNECTIONS, "1"));
        try (SmtpConversation first = SmtpConversation.open(port);
                SmtpConversation second = SmtpConversation.open(port)) {
            assertThat(first.greeting()).startsWith("220");
            assertThat(second.greeting()).startsWith("421");
        }
    }

    @Test
    void aSilentClientShouldBeDisconnectedAfterTheIdleTimeout() {
        start(Map.of(IngressSettingsCatalog.SMTP_IDLE_TIMEOUT, "300ms"));
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            long start = System.nanoTime();
            assertThat(smtp.reply()).as("the server speaks up after the timeout").startsWith("421");
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(200L, 30_000L);
        }
    }

    @Test
    void aStoppingListenerShouldTurnNewClientsAwayWith421() {
        start(Map.of());
        SmtpConversation smtp = SmtpConversation.open(port);
        smtp.send("EHLO client");
        ingress.close();
        assertThat(smtp.send("MAIL FROM:<alice@example.com>")).as("421, or the connection closed")
                .satisfiesAnyOf(r -> assertThat(r).startsWith("421"), r -> assertThat(r).startsWith("(closed"));
        smtp.close();
        ingress = null;
        publisher.close();
    }

    private static Message receive() {
        return receive(5_000);
    }

    private static Message receive(long timeoutMillis) {
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                JMSConsumer consumer = context.createConsumer(context.createQueue(Queues.mailbox("a")))) {
            Message message = consumer.receive(timeoutMillis);
            if (message instanceof BytesMessage bytes) {
                bytes.getBodyLength(); // read while the context is open
            }
            return message;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void drain() {
        while (receive(100) != null) {
            // leave the mailbox empty for the next test
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
