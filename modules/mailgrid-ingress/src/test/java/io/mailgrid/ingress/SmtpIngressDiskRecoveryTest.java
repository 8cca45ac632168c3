package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.MemoryBudget;
import io.mailgrid.core.Queues;
import io.mailgrid.core.SendDeadline;
import io.mailgrid.testing.BrokerDisk;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The broker's disk fills up and then gets room again while everything keeps running, as when an
 * admin deletes old logs: mail must flow again by itself, with no restart of the broker or the node.
 * {@link SmtpIngressDiskFullTest} covers the full disk and recovery by a restart; here the broker's
 * own disk check finds the room, on the running broker.
 *
 * <p>The disk is "filled" and "emptied" by moving the running broker's free-space floor, and the disk
 * check is run at once instead of waiting for its next scan: the same code path as real bytes coming
 * and going, without writing gigabytes and without depending on how full this machine's disk is.
 */
class SmtpIngressDiskRecoveryTest {

    private static final String BODY_40K = ("x".repeat(78) + "\r\n").repeat(512);

    @TempDir
    Path dir;
    @TempDir
    Path pickup;

    @Test
    void mailShouldFlowAgainWithoutARestartOnceTheBrokersDiskHasRoomAgain() throws Exception {
        int smtpPort = TestHome.freePort();
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(), Map.of(
                IngressSettingsCatalog.SMTP_PORT, String.valueOf(smtpPort),
                CoreSettingsCatalog.BROKER_SEND_TIMEOUT, "1s",
                BrokerSettingsCatalog.MIN_DISK_FREE, "1MB"));

        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"));
                ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config);
                MailPublisher publisher = new MailPublisher(factory, null, SendDeadline.timeout(config));
                SmtpIngress ingress = new SmtpIngress(SmtpSettings.from(config), publisher, new MemoryBudget(64 << 20), "a",
                        Clock.systemUTC(), Duration.ofSeconds(5))) {
            ingress.start();
            PickupIngress folder = new PickupIngress(publisher, "a", pickup, new PickupSettings(1 << 20, Duration.ZERO),
                    Clock.systemUTC());
            assertThat(send(smtpPort, "<before@example.com>", "Hi\r\n")).as("room: accepted").startsWith("250");

            BrokerDisk.fill(broker.server());
            // Artemis holds back only credit it has not granted yet: the publisher may still send what its
            // producer window (64 KiB) covers, and then hears "full"
            int acceptedOnCredit = 0;
            String reply;
            while ((reply = send(smtpPort, "<while-full@example.com>", BODY_40K)).startsWith("250")) {
                acceptedOnCredit++;
                assertThat(acceptedOnCredit).as("sent on credit granted before the disk filled, no more").isLessThan(5);
            }
            System.out.printf("disk full: %d mail(s) of 40 KiB sent on credit, then 452%n", acceptedOnCredit);
            assertThat(reply).as("full: try again later").startsWith("452 4.3.1");
            Files.writeString(pickup.resolve("alert.eml"), "To: ops@example.com\r\nSubject: alert\r\n\r\nHi\r\n");
            PickupIngress.Claim held = folder.claim().get(0);
            assertThatThrownBy(() -> folder.publish(held)).isInstanceOf(PublishHeldBackException.class);
            assertThat(held.file()).as("kept for the next poll").exists();

            BrokerDisk.empty(broker.server());
            assertThat(send(smtpPort, "<while-full@example.com>", BODY_40K))
                    .as("room again, same broker, same publisher: the retried mail is accepted").startsWith("250");
            PickupIngress.Claim again = folder.claim().get(0);
            folder.publish(again);
            folder.remove(again);
            assertThat(again.mailId()).as("the kept file, under the id it was first claimed with").isEqualTo(held.mailId());
            // the broker adds a committed message to its queue on the queue's own executor: wait for it
            long expected = 1 + acceptedOnCredit + 1 + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> mailbox(broker).getMessageCount() >= expected);
            assertThat(mailbox(broker).getMessagesAdded())
                    .as("before, those sent on credit, the retried mail and the pickup file, each once")
                    .isEqualTo(expected);
        }
    }

    private static String send(int smtpPort, String messageId, String body) throws Exception {
        try (SmtpConversation smtp = SmtpConversation.open(smtpPort).readTimeout(Duration.ofSeconds(20))) {
            smtp.send("EHLO client");
            smtp.send("MAIL FROM:<alice@example.com>");
            smtp.send("RCPT TO:<bob@example.com>");
            return smtp.data(TestMail.to("bob@example.com").messageId(messageId).body(body).bytes());
        }
    }

    private static Queue mailbox(EmbeddedBroker broker) {
        return broker.server().locateQueue(Queues.mailbox("a"));
    }
}
