package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.Message;

import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.delivery.DeliverySettingsCatalog;
import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.Steps;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * Failures inside the grabber's transaction: the broker redelivers, a mail that keeps failing
 * ends in the dead-letter queue with its reason, and a reservation past its deadline is rolled back.
 * Test settings: 3 attempts, 100 ms redelivery delay.
 */
class RedeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aStepThatFailsTwiceThenSucceedsShouldDeliverTheMailOnceOnTheThirdAttempt() throws Exception {
        Steps.Flaky flaky = Steps.failing(2);
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(), flaky)) {
            TestMail mail = TestMail.to("bob@example.com");
            String id = a.publish(mail);

            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            assertThat(a.outbox().mails().get(0).stamp("Attempt")).contains("3");
            assertThat(a.outbox().mails().get(0).original()).isEqualTo(mail.bytes());
            assertThat(flaky.calls(id)).isEqualTo(3);
            await().atMost(WAIT).until(() -> a.depth(Queues.mailbox("a")) == 0);
            assertThat(a.depth(Queues.DLQ)).isZero();
            assertThat(a.outbox().count()).isEqualTo(1);
        }
    }

    @Test
    void aStepThatAlwaysFailsShouldSendTheMailToTheDeadLetterQueueWithTheReason() throws Exception {
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(), Steps.alwaysFailing("scanner exploded"))) {
            TestMail mail = TestMail.to("bob@example.com");
            String id = a.publish(mail);

            Message dead = a.receive(Queues.DLQ, WAIT.toMillis());
            assertThat(dead).as("mail in mailgrid.dlq").isNotNull();
            assertThat(dead.getStringProperty(MailProperty.MAIL_ID)).isEqualTo(id);
            assertThat(dead.getStringProperty(MailProperty.REASON)).contains("scanner exploded");
            assertThat(dead.getStringProperty(MailProperty.FAILED_QUEUE)).isEqualTo(Queues.mailbox("a"));
            assertThat(dead.getIntProperty(MailProperty.DELIVERY_COUNT)).isEqualTo(1);
            assertThat(dead.getStringProperty(MailProperty.RCPT_TO)).isEqualTo("bob@example.com,carol@example.com");
            assertThat(dead.getBody(byte[].class)).isEqualTo(mail.bytes());
            assertThat(a.depth(Queues.mailbox("a"))).isZero();
            assertThat(a.outbox().count()).isZero();
        }
    }

    @Test
    void aMailStillInTheChainAtTheReservationTimeoutShouldBeRolledBackAndRetried() throws Exception {
        Steps.Holding holdOnce = Steps.holdingFirst(1);
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(NodeSettingsCatalog.RESERVATION_TIMEOUT, "1s"), holdOnce)) {
            a.publish(TestMail.to("bob@example.com"));

            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            assertThat(a.outbox().mails().get(0).stamp("Attempt")).contains("2");
            assertThat(holdOnce.entered()).isEqualTo(1);
        }
    }

    @Test
    void aMailThatHangsOnEveryAttemptShouldEndInTheDeadLetterQueueAsTimedOut() throws Exception {
        Steps.Holding hang = Steps.holding();
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(NodeSettingsCatalog.RESERVATION_TIMEOUT, "500ms"), hang)) {
            String id = a.publish(TestMail.to("bob@example.com"));

            Message dead = a.receive(Queues.DLQ, WAIT.toMillis());
            assertThat(dead).isNotNull();
            assertThat(dead.getStringProperty(MailProperty.MAIL_ID)).isEqualTo(id);
            assertThat(dead.getStringProperty(MailProperty.REASON)).contains("reservation timeout of 500 ms exceeded");
            assertThat(hang.entered()).isEqualTo(3);
            hang.release();
        }
    }

    @Test
    void aBrokerXmlEditedToFewerAttemptsShouldStillDeadLetterWithTheReason() throws Exception {
        // an operator sets max-delivery-attempts in broker.xml itself and forgets the properties (3 here)
        Path brokerXml = dir.resolve("broker.xml");
        String shipped = Files.readString(TestHome.path().resolve("broker-config/broker.xml"));
        assertThat(shipped).contains("${mailgrid.redelivery.max-attempts:5}");
        Files.writeString(brokerXml, shipped.replace("${mailgrid.redelivery.max-attempts:5}", "2"));
        Steps.Flaky failing = Steps.failing(Integer.MAX_VALUE);
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(BrokerSettingsCatalog.BROKER_CONFIG, brokerXml.toString()),
                failing)) {
            String id = a.publish(TestMail.to("bob@example.com"));

            Message dead = a.receive(Queues.DLQ, WAIT.toMillis());
            assertThat(dead).isNotNull();
            assertThat(dead.getStringProperty(MailProperty.MAIL_ID)).isEqualTo(id);
            assertThat(dead.getStringProperty(MailProperty.REASON)).as("dead-lettered by the node, with the reason")
                    .contains("flaky step fails");
            assertThat(failing.calls(id)).isEqualTo(2);
        }
    }

    @Test
    void aFailureAfterThePublishShouldRollBackThePublishToo() throws Exception {
        // relay delivery: CLEAN mail takes the outbound hop (a Maildir's is delivered by the grabber,
        // GrabberDeliveryTest covers its rollback)
        Steps.Flaky failOnce = Steps.failing(1);
        try (SmtpSink sink = SmtpSink.start(TestHome.freePort());
                TestNode a = TestNode.start(dir, Map.of(DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:" + sink.port()))) {
            // the grabber publishes to the outbound queue, then fails before its transaction commits
            AdviceWith.adviceWith(a.node.camel(), MailgridNode.grabberRouteId("a"),
                    route -> route.weaveByToString(".*ref:publish.*").after().process(failOnce));
            TestMail mail = TestMail.to("bob@example.com");
            String id = a.publish(mail);

            await().atMost(WAIT).until(() -> sink.received().size() == 1);
            // attempt 2 is a redelivery: it publishes outside the transaction (ADR 0011) and fails no more
            assertThat(failOnce.calls(id)).isEqualTo(2);
            assertThat(new String(sink.received().get(0).bytes(), StandardCharsets.US_ASCII))
                    .contains("X-Mailgrid-Attempt: 2");
            await().atMost(WAIT).until(() -> a.depth(Queues.outbound("a")) == 0 && a.depth(Queues.mailbox("a")) == 0);
            assertThat(sink.mailIdCounts()).as("the rolled-back publish left no second copy").containsEntry(id, 1);
            assertThat(a.messagesAdded(Queues.outbound("a"))).isEqualTo(1);
        }
    }

    @Test
    void aDeliveryThatKeepsFailingShouldSendTheMailToTheDeadLetterQueue() throws Exception {
        // relay delivery: the mail reaches the delivery route (a Maildir's failure: GrabberDeliveryTest)
        try (SmtpSink sink = SmtpSink.start(TestHome.freePort());
                TestNode a = TestNode.start(dir, Map.of(DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:" + sink.port()))) {
            AdviceWith.adviceWith(a.node.camel(), MailgridNode.deliveryRouteId("a"),
                    route -> route.weaveAddFirst().process(Steps.alwaysFailing("disk full")));
            String id = a.publish(TestMail.to("bob@example.com"));

            Message dead = a.receive(Queues.DLQ, WAIT.toMillis());
            assertThat(dead).isNotNull();
            assertThat(dead.getStringProperty(MailProperty.MAIL_ID)).isEqualTo(id);
            assertThat(dead.getStringProperty(MailProperty.REASON)).contains("disk full");
            assertThat(dead.getStringProperty(MailProperty.FAILED_QUEUE)).isEqualTo(Queues.outbound("a"));
            assertThat(dead.getStringProperty(MailProperty.VERDICT)).isEqualTo("CLEAN");
            assertThat(dead).isInstanceOf(BytesMessage.class);
            assertThat(sink.received()).isEmpty();
        }
    }

    @Test
    void aGrabberEditedToEndBeforeThePublishShouldRollBackSoTheMailIsNotLostEvenWithoutAGuardStep() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of())) {
            // an operator who removes every step naming the commit guard and ends the route right after
            // the policy chain: the mail must not be acknowledged into nothing
            AdviceWith.adviceWith(a.node.camel(), MailgridNode.grabberRouteId("a"), route -> {
                if (route.getOriginalRoute().toString().contains("commitGuard")) {
                    route.weaveByToString(".*commitGuard.*").remove();
                }
                route.weaveByToString(".*reservation.*").after().stop();
            });
            String id = a.publish(TestMail.to("bob@example.com"));

            Message dead = a.receive(Queues.DLQ, WAIT.toMillis());
            assertThat(dead).as("the broker dead-lettered the mail after the rolled-back attempts").isNotNull();
            assertThat(dead.getStringProperty(MailProperty.MAIL_ID)).isEqualTo(id);
            assertThat(dead.getStringProperty(MailProperty.ARTEMIS_ORIGINAL_QUEUE)).isEqualTo(Queues.mailbox("a"));
            assertThat(a.outbox().count()).isZero();
        }
    }
}
