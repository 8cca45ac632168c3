package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;
import io.mailgrid.core.Stage;
import io.mailgrid.delivery.DeliverySettingsCatalog;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.Steps;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * A mail that comes back to its queue although an earlier attempt's publish was committed (the
 * broker stopped or failed over while it committed that attempt; seen in ClusterIT's broker
 * restart): its publish carries a duplicate-detection id the broker knows. It must be acknowledged
 * and handed on once, not rolled back on every attempt into the dead-letter queue, and not published
 * a second time (docs/adr/0011). Each test counts what the broker stored, so a second copy shows.
 */
class RedeliveredPublishTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private SmtpSink sink;

    @AfterEach
    void stopSink() {
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    void aMailBackInItsMailboxAfterItsPublishWasCommittedShouldStayDeliveredOnceAndNotBeDeadLettered() throws Exception {
        // relay delivery: CLEAN mail takes the outbound hop (a Maildir's is delivered by the grabber: GrabberDeliveryTest)
        sink = SmtpSink.start(TestHome.freePort());
        try (TestNode a = TestNode.start(dir, Map.of(DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:" + sink.port()))) {
            byte[] bytes = TestMail.to("bob@example.com").subject("comes back").bytes();
            Envelope envelope = Envelope.received("a", "alice@example.com", List.of("bob@example.com"), "test", Instant.now(),
                    bytes.length);
            a.node.publisher().publish(envelope, bytes);
            await().atMost(WAIT).until(() -> sink.received().size() == 1 && a.depth(Queues.mailbox("a")) == 0
                    && a.depth(Queues.outbound("a")) == 0);

            // the same mail in the mailbox again, as if the commit that took it out had been lost
            try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(a.config);
                    JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
                BytesMessage message = context.createBytesMessage();
                message.writeBytes(bytes);
                envelope.writeTo(message);
                context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT)
                        .send(context.createQueue(Queues.mailbox("a")), message);
            }

            await().atMost(WAIT).until(() -> a.depth(Queues.mailbox("a")) == 0);
            assertThat(a.depth(Queues.DLQ)).as("not dead-lettered: its outbound copy was committed").isZero();
            assertThat(added(a, Queues.outbound("a"))).as("one outbound copy stored, the second publish dropped")
                    .isEqualTo(1);
            assertThat(sink.received()).hasSize(1);
        }
    }

    @Test
    void aMailBackInItsOutboundQueueAfterItsDeadLetterWasStoredShouldBeDeadLetteredOnce() throws Exception {
        // relay delivery: CLEAN mail takes the outbound hop (the relay is never reached: delivery fails first)
        sink = SmtpSink.start(TestHome.freePort());
        try (TestNode a = TestNode.start(dir, Map.of(DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:" + sink.port()))) {
            AdviceWith.adviceWith(a.node.camel(), MailgridNode.deliveryRouteId("a"),
                    route -> route.weaveAddFirst().process(Steps.alwaysFailing("disk full")));
            stopDelivery(a);
            String id = a.publish(TestMail.to("bob@example.com").subject("dead twice?"));
            await().atMost(WAIT).until(() -> a.depth(Queues.outbound("a")) == 1);

            // an earlier attempt whose dead-letter publish the broker kept, while the mail came back
            try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(a.config);
                    JMSContext attempt = factory.createContext(JMSContext.SESSION_TRANSACTED);
                    JMSContext outside = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
                Message mail = receive(attempt, Queues.outbound("a"));
                Message dead = copy(outside, mail);
                dead.setStringProperty(MailProperty.REASON, "disk full (the earlier attempt)");
                dead.setStringProperty(MailProperty.DUPLICATE_ID, deadLetterId(mail));
                outside.createProducer().send(outside.createQueue(Queues.DLQ), dead);
                attempt.rollback();
            }
            startDelivery(a);

            await().atMost(WAIT).until(() -> a.depth(Queues.outbound("a")) == 0);
            assertThat(added(a, Queues.DLQ)).as("one dead letter for mail " + id).isEqualTo(1);
            Message dead = a.receive(Queues.DLQ, WAIT.toMillis());
            assertThat(dead.getStringProperty(MailProperty.ARTEMIS_ORIGINAL_QUEUE))
                    .as("not moved there by the broker after failed commits").isNull();
        }
    }

    @Test
    void aRelayedMailBackInItsOutboundQueueAfterItsFollowUpsWereStoredShouldNotDoubleThem() throws Exception {
        sink = SmtpSink.start(TestHome.freePort())
                .refuse("carol@example.com", 550, "5.1.1 <carol@example.com>: User unknown")
                .refuseFirst("dave@example.org", 1, 451, "4.7.1 <dave@example.org>: greylisted");
        try (TestNode a = TestNode.start(dir, Map.of(DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:" + sink.port(),
                BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS, "5"))) {
            stopDelivery(a);
            byte[] bytes = TestMail.to("bob@example.com").subject("mixed").bytes();
            Envelope envelope = Envelope.received("a", "alice@example.com",
                    List.of("bob@example.com", "carol@example.com", "dave@example.org"), "test", Instant.now(), bytes.length);
            a.node.publisher().publish(envelope, bytes);
            await().atMost(WAIT).until(() -> a.depth(Queues.outbound("a")) == 1);

            // an earlier attempt whose two follow-ups (carol dead-lettered, dave to retry) the broker kept,
            // while the mail itself came back
            try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(a.config);
                    JMSContext attempt = factory.createContext(JMSContext.SESSION_TRANSACTED);
                    JMSContext outside = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
                Message mail = receive(attempt, Queues.outbound("a"));
                Message refused = copy(outside, mail);
                refused.setStringProperty(MailProperty.RCPT_TO, "carol@example.com");
                refused.setStringProperty(MailProperty.REASON, "relay refused <carol@example.com> (the earlier attempt)");
                refused.setStringProperty(MailProperty.DUPLICATE_ID, followUpId(Stage.RELAY_REFUSED, mail));
                outside.createProducer().send(outside.createQueue(Queues.DLQ), refused);
                Message retry = copy(outside, mail);
                retry.setStringProperty(MailProperty.RCPT_TO, "dave@example.org");
                retry.setIntProperty(MailProperty.RELAY_ATTEMPTS, 1);
                retry.setStringProperty(MailProperty.DUPLICATE_ID, followUpId(Stage.RELAY_RETRY, mail));
                retry.setLongProperty(MailProperty.ARTEMIS_SCHEDULED_DELIVERY, System.currentTimeMillis() + 2_000);
                outside.createProducer().send(outside.createQueue(Queues.outbound("a")), retry);
                attempt.rollback();
            }
            startDelivery(a);

            await().atMost(WAIT).until(() -> sink.recipients().contains("dave@example.org")
                    && a.depth(Queues.outbound("a")) == 0);
            assertThat(added(a, Queues.DLQ)).as("carol dead-lettered once").isEqualTo(1);
            assertThat(added(a, Queues.outbound("a"))).as("the mail and one retry copy for dave").isEqualTo(2);
            assertThat(Collections.frequency(sink.recipients(), "dave@example.org")).as("dave gets the mail once")
                    .isEqualTo(1);
        }
    }

    /** The dead-letter id the node gives the mail it took from a queue: it names the message taken. */
    private static String deadLetterId(Message mail) throws Exception {
        return followUpId(Stage.DLQ, mail);
    }

    /** The id of a publish that follows from delivering this message (a dead letter, a relay follow-up). */
    private static String followUpId(Stage stage, Message mail) throws Exception {
        return stage.duplicateId(mail.getStringProperty(MailProperty.MAIL_ID), mail.getIntProperty(MailProperty.GENERATION),
                mail.getJMSMessageID());
    }

    private static Message receive(JMSContext context, String queue) {
        try (JMSConsumer consumer = context.createConsumer(context.createQueue(queue))) {
            Message message = consumer.receive(WAIT.toMillis());
            assertThat(message).as("a message in " + queue).isNotNull();
            return message;
        }
    }

    /** A copy of a mail message with all its Mailgrid properties, as a follow-up publish carries them. */
    private static Message copy(JMSContext context, Message mail) throws Exception {
        BytesMessage copy = context.createBytesMessage();
        copy.writeBytes(mail.getBody(byte[].class));
        for (String name : Collections.list((java.util.Enumeration<String>) mail.getPropertyNames())) {
            if (name.startsWith(MailProperty.PREFIX)) {
                copy.setObjectProperty(name, mail.getObjectProperty(name));
            }
        }
        return copy;
    }

    /** Messages the broker stored in a queue since it was created: a dropped duplicate does not count. */
    private static long added(TestNode node, String queue) throws Exception {
        return node.messagesAdded(queue);
    }

    private static void stopDelivery(TestNode node) throws Exception {
        node.node.camel().getRouteController().stopRoute(MailgridNode.deliveryRouteId("a"));
        node.node.camel().getRouteController().stopRoute(MailgridNode.deliveryRouteId("a") + "-large");
    }

    private static void startDelivery(TestNode node) throws Exception {
        node.node.camel().getRouteController().startRoute(MailgridNode.deliveryRouteId("a"));
        node.node.camel().getRouteController().startRoute(MailgridNode.deliveryRouteId("a") + "-large");
    }
}
