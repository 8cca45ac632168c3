package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.MemoryBudget;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * A client that got no 250 sends the mail again, maybe to another node (RFC 1047). Two listeners,
 * nodes a and b, on one real broker: a mail the cluster already stored, sent again with the same
 * Message-ID, envelope and body, is answered 250 and not stored a second time; anything that differs,
 * or a mail without a Message-ID, is a new mail.
 */
class SmtpResendTest {

    @TempDir
    Path dir;
    private MailgridConfig config;
    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory factory;
    private final List<AutoCloseable> open = new ArrayList<>();
    private int portA;
    private int portB;

    @BeforeEach
    void startBrokerAndTwoNodes() {
        config = TestHome.config("a", dir, TestHome.freePort(), Map.of());
        broker = EmbeddedBroker.start(config, dir.resolve("broker"));
        factory = BrokerConnection.forCommand(config);
        portA = listen("a");
        portB = listen("b");
    }

    private int listen(String node) {
        int port = TestHome.freePort();
        MailPublisher publisher = new MailPublisher(factory);
        SmtpIngress ingress = new SmtpIngress(SmtpSettings.from(config.with(IngressSettingsCatalog.SMTP_PORT, String.valueOf(port))),
                publisher, new MemoryBudget(64 << 20), node, Clock.systemUTC(), Duration.ofSeconds(5));
        ingress.start();
        open.add(publisher);
        open.add(ingress);
        return port;
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        factory.close();
        broker.close();
    }

    @Test
    void aMailResentToAnotherNodeAfterTheFirstStoredItShouldHear250AndBeStoredOnce() {
        byte[] mail = TestMail.to("bob@example.com", "carol@example.com").subject("sent twice").bytes();

        assertThat(send(portA, "alice@example.com", mail, "bob@example.com", "carol@example.com")).startsWith("250 2.0.0");
        assertThat(send(portB, "alice@example.com", mail, "bob@example.com", "carol@example.com"))
                .as("the client must stop resending").startsWith("250 2.0.0");
        assertThat(send(portB, "alice@example.com", mail, "carol@example.com", "bob@example.com"))
                .as("the same recipients in another order").startsWith("250 2.0.0");

        assertThat(drain("a")).hasSize(1);
        assertThat(drain("b")).as("the resends were not stored again").isEmpty();
    }

    @Test
    void aResendShouldBeRecognisedAfterTheBrokerRestarted() {
        byte[] mail = TestMail.to("bob@example.com").subject("before the restart").bytes();
        assertThat(send(portA, "alice@example.com", mail, "bob@example.com")).startsWith("250");
        factory.close();
        broker.close();
        broker = EmbeddedBroker.start(config, dir.resolve("broker"));
        factory = BrokerConnection.forCommand(config);
        portB = listen("b");

        assertThat(send(portB, "alice@example.com", mail, "bob@example.com")).startsWith("250");
        assertThat(drain("a")).hasSize(1);
        assertThat(drain("b")).isEmpty();
    }

    @Test
    void aMailWithoutMessageIdShouldNeverBeTakenForAResend() {
        byte[] mail = "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: no id\r\n\r\nHello.\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        assertThat(send(portA, "alice@example.com", mail, "bob@example.com")).startsWith("250");
        assertThat(send(portB, "alice@example.com", mail, "bob@example.com")).startsWith("250");

        assertThat(drain("a")).hasSize(1);
        assertThat(drain("b")).as("nothing tells a resend from a second mail: both delivered").hasSize(1);
    }

    @Test
    void theSameMessageInAnotherEnvelopeOrWithAnotherBodyShouldBeANewMail() {
        TestMail original = TestMail.to("bob@example.com", "carol@example.com").subject("split by the MTA");
        byte[] mail = original.bytes();

        assertThat(send(portA, "alice@example.com", mail, "bob@example.com")).startsWith("250");
        assertThat(send(portB, "alice@example.com", mail, "carol@example.com")).as("other recipient").startsWith("250");
        assertThat(send(portB, "mallory@example.com", mail, "bob@example.com")).as("other sender").startsWith("250");
        assertThat(send(portB, "alice@example.com", original.body("Changed.\r\n").bytes(), "bob@example.com"))
                .as("same Message-ID, other body").startsWith("250");

        assertThat(drain("a")).hasSize(1);
        assertThat(drain("b")).hasSize(3);
    }

    /** One SMTP session: the reply to the end of DATA. */
    private static String send(int port, String from, byte[] mail, String... recipients) {
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            smtp.send("EHLO mta.example.net");
            assertThat(smtp.send("MAIL FROM:<" + from + ">")).startsWith("250");
            for (String recipient : recipients) {
                assertThat(smtp.send("RCPT TO:<" + recipient + ">")).startsWith("250");
            }
            return smtp.data(mail);
        }
    }

    /** Every mail in a node's mailbox, by mail id. */
    private List<String> drain(String node) {
        List<String> ids = new ArrayList<>();
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                JMSConsumer consumer = context.createConsumer(context.createQueue(Queues.mailbox(node)))) {
            Message message;
            while ((message = consumer.receive(500)) != null) {
                ids.add(message.getStringProperty(MailProperty.MAIL_ID));
            }
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }
}
