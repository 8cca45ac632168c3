package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.ingress.MailPublisher.Outcome;
import io.mailgrid.testing.TestHome;

/**
 * What Artemis really does with the publisher's transaction (a real embedded broker with the shipped
 * broker.xml): a resend key it has seen on {@code mailgrid.resend-keys}, from any publisher, makes
 * it refuse the whole transaction, so the mail is stored once; bodies are streamed byte for byte.
 */
class MailPublisherTest {

    @TempDir
    Path dir;

    @Test
    void aResendKeyTheBrokerHasSeenFromAnotherNodeShouldStoreNothingAndSayAlreadyStored() throws Exception {
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(), Map.of());
        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"));
                ActiveMQConnectionFactory nodeA = BrokerConnection.forCommand(config);
                ActiveMQConnectionFactory nodeB = BrokerConnection.forCommand(config);
                MailPublisher a = new MailPublisher(nodeA);
                MailPublisher b = new MailPublisher(nodeB)) {
            byte[] mail = "Message-ID: <x@example.com>\r\n\r\nHi\r\n".getBytes(StandardCharsets.US_ASCII);

            assertThat(a.publish(envelope("a", mail.length), MailBody.of(mail), Optional.of("key-1"))).isEqualTo(Outcome.STORED);
            assertThat(b.publish(envelope("b", mail.length), MailBody.of(mail), Optional.of("key-1")))
                    .isEqualTo(Outcome.ALREADY_STORED);
            assertThat(b.publish(envelope("b", mail.length), MailBody.of(mail), Optional.of("key-2"))).isEqualTo(Outcome.STORED);

            assertThat(drain(nodeA, "a")).singleElement()
                    .satisfies(m -> assertThat(m.getStringProperty(MailProperty.RESEND_KEY)).isEqualTo("key-1"));
            assertThat(drain(nodeA, "b")).singleElement()
                    .satisfies(m -> assertThat(m.getStringProperty(MailProperty.RESEND_KEY)).isEqualTo("key-2"));
        }
    }

    @Test
    void aPublishTriedAgainAfterTheBrokerStoredItShouldBeReportedAsAlreadyStored() throws Exception {
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(), Map.of());
        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"));
                ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config);
                MailPublisher publisher = new MailPublisher(factory)) {
            byte[] mail = "Subject: no Message-ID\r\n\r\nHi\r\n".getBytes(StandardCharsets.US_ASCII);
            Envelope envelope = envelope("a", mail.length);

            assertThat(publisher.publish(envelope, MailBody.of(mail), Optional.empty())).isEqualTo(Outcome.STORED);
            // the same mail id again, as after a reply lost on the way back: the mailbox id catches it
            assertThat(publisher.publish(envelope, MailBody.of(mail), Optional.empty())).isEqualTo(Outcome.ALREADY_STORED);
            assertThat(drain(factory, "a")).hasSize(1);
        }
    }

    @Test
    void largeAndSmallBodiesShouldArriveByteForByte() throws Exception {
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(), Map.of());
        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"));
                ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config);
                MailPublisher publisher = new MailPublisher(factory)) {
            byte[] large = new byte[3 << 20];
            new Random(11).nextBytes(large);
            byte[] small = new byte[50_000];
            new Random(12).nextBytes(small);

            publisher.publish(envelope("a", large.length), MailBody.of(large), Optional.of("large"));
            publisher.publish(envelope("a", small.length), small);

            List<Message> stored = drain(factory, "a");
            assertThat(stored).hasSize(2);
            assertThat(stored.get(0).getBody(byte[].class)).isEqualTo(large);
            assertThat(stored.get(0).getLongProperty(MailProperty.SIZE)).isEqualTo(large.length);
            assertThat(stored.get(1).getBody(byte[].class)).isEqualTo(small);
        }
    }

    @Test
    void aBrokerWhoseConfigurationLacksTheResendAddressShouldStillTakeEveryMail() throws Exception {
        Path oldXml = dir.resolve("old-broker.xml");
        String xml = Files.readString(TestHome.path().resolve("broker-config/broker.xml"));
        Files.writeString(oldXml, xml.replaceAll("(?s)<address name=\"mailgrid.resend-keys\">.*?</address>", ""));
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(),
                Map.of(BrokerSettingsCatalog.BROKER_CONFIG, oldXml.toString()));
        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"));
                ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config);
                MailPublisher publisher = new MailPublisher(factory)) {
            byte[] mail = "Message-ID: <x@example.com>\r\n\r\nHi\r\n".getBytes(StandardCharsets.US_ASCII);

            assertThat(publisher.publish(envelope("a", mail.length), MailBody.of(mail), Optional.of("k"))).isEqualTo(Outcome.STORED);
            assertThat(publisher.publish(envelope("a", mail.length), MailBody.of(mail), Optional.of("k")))
                    .as("resends are not recognised there, but nothing is refused").isEqualTo(Outcome.STORED);
            assertThat(drain(factory, "a")).hasSize(2);
        }
    }

    private static Envelope envelope(String node, long size) {
        return Envelope.received(node, "alice@example.com", List.of("bob@example.com"), "smtp", Instant.now(), size);
    }

    private static List<Message> drain(ActiveMQConnectionFactory factory, String node) throws Exception {
        List<Message> messages = new ArrayList<>();
        try (JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE);
                JMSConsumer consumer = context.createConsumer(context.createQueue(Queues.mailbox(node)))) {
            Message message;
            while ((message = consumer.receive(500)) != null) {
                message.getBody(byte[].class); // read the (large) body while the context is open
                messages.add(message);
            }
        }
        return messages;
    }
}
