package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.jms.Message;

import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.delivery.DeliverySettingsCatalog;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.Steps;
import io.mailgrid.testing.TestMail;

/**
 * A CLEAN mail in the node's own mailbox is delivered into its Maildir by the grabber, in the
 * grabber's transaction, without the outbound queue (docs/adr/0035); still exactly once when that
 * transaction rolls back after the delivery. Test settings: 3 attempts, 100 ms redelivery delay.
 */
class GrabberDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aCleanMailReceivedHereShouldBeDeliveredByTheGrabberWithoutTheOutboundQueue() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of())) {
            stopDelivery(a); // whatever reaches the outbound queue now stays there
            TestMail mail = TestMail.to("bob@example.com");
            String id = a.publish(mail);

            await().atMost(WAIT).until(() -> a.outbox().count() == 1 && a.depth(Queues.mailbox("a")) == 0);
            assertThat(a.outbox().mails().get(0).stamp("Id")).contains(id);
            assertThat(a.outbox().mails().get(0).stamp("Verdict")).contains("CLEAN");
            assertThat(a.outbox().mails().get(0).original()).isEqualTo(mail.bytes());
            assertThat(a.messagesAdded(Queues.outbound("a"))).as("nothing stored in the outbound queue").isZero();
        }
    }

    @Test
    void aGrabberRolledBackAfterItDeliveredShouldLeaveTheMailDeliveredOnce() throws Exception {
        // the grabber's transaction fails between the delivery into the Maildir and its commit, as a crash would
        Steps.Holding holdFirst = Steps.holdingFirst(1);
        Steps.Flaky failOnce = Steps.failing(1);
        try (TestNode a = TestNode.start(dir, Map.of())) {
            AdviceWith.adviceWith(a.node.camel(), MailgridNode.grabberRouteId("a"),
                    route -> route.weaveByToString(".*ref:publish.*").after().process(holdFirst).process(failOnce));
            String id = a.publish(TestMail.to("bob@example.com"));

            await().atMost(WAIT).until(() -> holdFirst.entered() == 1);
            assertThat(a.outbox().count()).as("delivered before the grabber's commit").isEqualTo(1);
            holdFirst.release();

            // attempt 2 finds the Maildir's record of the mail and only acknowledges it
            await().atMost(WAIT).until(() -> failOnce.calls(id) == 2 && a.depth(Queues.mailbox("a")) == 0);
            assertThat(a.outbox().count()).as("one copy after the rollback and the second attempt").isEqualTo(1);
            assertThat(a.outbox().mails().get(0).stamp("Attempt")).contains("1");
            assertThat(a.depth(Queues.DLQ)).isZero();
            assertThat(a.messagesAdded(Queues.outbound("a"))).isZero();
        }
    }

    @Test
    void aMaildirThatCannotTakeTheMailShouldDeadLetterItFromTheMailboxWithTheReason() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of())) {
            // new/ replaced by a file: every delivery fails (also for root, unlike a read-only directory)
            Path fresh = a.node.settings().outboxDir().resolve("new");
            Files.delete(fresh);
            Files.writeString(fresh, "not a directory");
            String id = a.publish(TestMail.to("bob@example.com"));

            Message dead = a.receive(Queues.DLQ, WAIT.toMillis());
            assertThat(dead).as("dead-lettered after the configured attempts").isNotNull();
            assertThat(dead.getStringProperty(MailProperty.MAIL_ID)).isEqualTo(id);
            assertThat(dead.getStringProperty(MailProperty.FAILED_QUEUE)).isEqualTo(Queues.mailbox("a"));
            assertThat(dead.getStringProperty(MailProperty.VERDICT)).isEqualTo("CLEAN");
            assertThat(dead.getStringProperty(MailProperty.REASON)).contains("Not a directory");
            assertThat(a.depth(Queues.mailbox("a"))).isZero();
        }
    }

    private static void stopDelivery(TestNode node) throws Exception {
        node.node.camel().getRouteController().stopRoute(MailgridNode.deliveryRouteId("a"));
        node.node.camel().getRouteController().stopRoute(MailgridNode.deliveryRouteId("a") + "-large");
    }
}
