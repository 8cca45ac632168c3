package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
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
import io.mailgrid.testing.PythonSmtpClient;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * Postfix's XFORWARD on the SMTP listener, against a real embedded broker: a trusted MTA's
 * forwarded client travels with the mail; anyone else cannot forge one; bad XFORWARD input gets a
 * clear reply and the session goes on. The trusted client is Python's smtplib in its own process.
 */
class SmtpXforwardTest {

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
        while (receive(200) != null) {
            // leave the mailbox empty for the next test
        }
    }

    private void start(String xforwardClients) {
        port = TestHome.freePort();
        Map<String, String> values = new HashMap<>();
        values.put(IngressSettingsCatalog.SMTP_PORT, String.valueOf(port));
        values.put(IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS, "127.0.0.0/8");
        values.put(IngressSettingsCatalog.SMTP_XFORWARD_CLIENTS, xforwardClients);
        MailgridConfig config = brokerConfig.with(values);
        SmtpSettings settings = SmtpSettings.from(config);
        publisher = new MailPublisher(factory);
        ingress = new SmtpIngress(settings, SmtpAccess.from(config, settings), publisher, new MemoryBudget(64 << 20), "a",
                Clock.systemUTC(), Duration.ofSeconds(5));
        ingress.start();
    }

    @Test
    void aTrustedMtasXforwardShouldTravelWithTheMailAsItsClientAndHelo() throws Exception {
        start("127.0.0.1/32");
        Path mail = dir.resolve("forwarded.eml");
        Files.write(mail, TestMail.to("bob@example.com").bytes());

        PythonSmtpClient.Result sent = PythonSmtpClient.sendWithXforward(port,
                List.of("NAME=mx.example.net ADDR=203.0.113.5 PROTO=ESMTP HELO=mx.example.net",
                        "IDENT=4ABC123 SOURCE=REMOTE"),
                "alice@example.com", List.of("bob@example.com"), mail);

        assertThat(sent.exitCode()).as(sent.output()).isZero();
        assertThat(sent.output()).contains("EHLO XFORWARD: NAME ADDR PROTO HELO IDENT SOURCE");
        Message published = receive(5_000);
        assertThat(published).isNotNull();
        assertThat(published.getStringProperty(MailProperty.CLIENT_ADDRESS)).isEqualTo("203.0.113.5");
        assertThat(published.getStringProperty(MailProperty.HELO)).isEqualTo("mx.example.net");
    }

    @Test
    void anUntrustedClientShouldNeitherBeOfferedXforwardNorForgeItsOrigin() throws Exception {
        start("127.0.0.2/32"); // a trusted MTA elsewhere; this client connects from 127.0.0.1
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            assertThat(smtp.send("EHLO attacker.example")).doesNotContain("XFORWARD");
            assertThat(smtp.send("XFORWARD ADDR=10.0.0.1 NAME=trusted.internal")).startsWith("550 5.7.0");
            assertThat(smtp.send("MAIL FROM:<eve@example.com>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
            assertThat(smtp.data(TestMail.to("bob@example.com").bytes())).startsWith("250");
        }
        Message published = receive(5_000);
        assertThat(published.getStringProperty(MailProperty.CLIENT_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(published.getStringProperty(MailProperty.HELO)).isEqualTo("attacker.example");
    }

    @Test
    void byDefaultNobodyShouldBeOfferedXforward() {
        start("");
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            assertThat(smtp.send("EHLO relay.example.org")).doesNotContain("XFORWARD");
            assertThat(smtp.send("XFORWARD ADDR=10.0.0.1")).startsWith("5");
        }
    }

    @Test
    void theTrustedEhloShouldBeTheLibrarysEhloPlusXforward() {
        start("127.0.0.2/32");
        String plain;
        String offered;
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            plain = smtp.send("EHLO relay.example.org");
        }
        try (SmtpConversation smtp = SmtpConversation.openFrom("127.0.0.2", port)) {
            offered = smtp.send("EHLO relay.example.org");
        }
        assertThat(offered).isEqualTo(plain.replace("250 Ok", "250-XFORWARD NAME ADDR PROTO HELO IDENT SOURCE\n250 Ok"));
    }

    @Test
    void badXforwardInputShouldGetAClearReplyAndTheSessionShouldGoOnWithTheRealClient() throws Exception {
        start("127.0.0.1/32");
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            assertThat(smtp.send("XFORWARD ADDR=203.0.113.5")).as("before EHLO").startsWith("503 5.5.1");
            smtp.send("EHLO relay.example.org");
            assertThat(smtp.send("XFORWARD")).startsWith("501 5.5.4");
            assertThat(smtp.send("XFORWARD COLOR=blue")).startsWith("501 5.5.4 Bad XFORWARD attribute name");
            assertThat(smtp.send("XFORWARD ADDR=mx.example.net")).as("a name, never looked up").startsWith("501 5.5.4");
            assertThat(smtp.send("XFORWARD ADDR=1.2.3")).startsWith("501 5.5.4");
            assertThat(smtp.send("XFORWARD HELO=evil+0D+0AX-Injected:+20yes")).as("line break in xtext").startsWith("501 5.5.4");
            assertThat(smtp.send("XFORWARD NAME=" + "a".repeat(300))).startsWith("501 5.5.4");
            assertThat(smtp.send("XFORWARD HELO=bad+G1")).startsWith("501 5.5.4");
            assertThat(smtp.send("XFORWARD ADDR=IPv6:2001:db8::1 NAME=[UNAVAILABLE] HELO=[UNAVAILABLE]")).startsWith("250");
            assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(smtp.send("XFORWARD ADDR=198.51.100.1")).as("inside the transaction").startsWith("503 5.5.1");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
            assertThat(smtp.data(TestMail.to("bob@example.com").bytes())).startsWith("250");

            Message first = receive(5_000);
            assertThat(first.getStringProperty(MailProperty.CLIENT_ADDRESS)).isEqualTo("2001:db8:0:0:0:0:0:1");
            assertThat(first.getStringProperty(MailProperty.HELO)).as("forwarded as unknown").isNull();

            // XFORWARD applies to one mail transaction: the next mail is the connecting client's again
            assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
            assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
            assertThat(smtp.data(TestMail.to("bob@example.com").bytes())).startsWith("250");
            Message second = receive(5_000);
            assertThat(second.getStringProperty(MailProperty.CLIENT_ADDRESS)).isEqualTo("127.0.0.1");
            assertThat(second.getStringProperty(MailProperty.HELO)).isEqualTo("relay.example.org");
        }
    }

    private static Message receive(long timeoutMillis) {
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                JMSConsumer consumer = context.createConsumer(context.createQueue(Queues.mailbox("a")))) {
            return consumer.receive(timeoutMillis);
        }
    }
}
