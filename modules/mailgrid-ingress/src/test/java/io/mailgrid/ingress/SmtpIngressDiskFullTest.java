package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
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
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The broker's disk is full (below {@code min-disk-free}): Artemis withholds producer credits and
 * every send would wait for room without end. The SMTP client must hear a temporary failure within
 * the publish deadline, nothing of its mail may be stored (then or later), and once the broker has
 * room again the same client's mail is accepted. The pickup folder, on the same publisher, keeps
 * its file for the next poll.
 */
class SmtpIngressDiskFullTest {

    @TempDir
    Path dir;
    @TempDir
    Path pickup;

    @Test
    void mailArrivingWhileTheBrokersDiskIsFullShouldBeDeferredInTimeNeverStoredAndAcceptedOnceThereIsRoomAgain()
            throws Exception {
        int smtpPort = TestHome.freePort();
        int brokerPort = TestHome.freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put(IngressSettingsCatalog.SMTP_PORT, String.valueOf(smtpPort));
        settings.put(CoreSettingsCatalog.BROKER_SEND_TIMEOUT, "1s");
        // more than any disk here has free: the broker counts its disk as full from its first scan
        settings.put(BrokerSettingsCatalog.MIN_DISK_FREE, "1000000GB");
        MailgridConfig full = TestHome.config("a", dir, brokerPort, settings);
        settings.put(BrokerSettingsCatalog.MIN_DISK_FREE, "1MB");
        MailgridConfig roomy = TestHome.config("a", dir, brokerPort, settings);

        EmbeddedBroker broker = EmbeddedBroker.start(full, dir.resolve("broker"));
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(full);
                MailPublisher publisher = new MailPublisher(factory, null, SendDeadline.timeout(full));
                SmtpIngress ingress = new SmtpIngress(SmtpSettings.from(full), publisher, new MemoryBudget(64 << 20), "a",
                        Clock.systemUTC(), Duration.ofSeconds(5))) {
            EmbeddedBroker fullBroker = broker;
            await().atMost(Duration.ofSeconds(15)).until(() -> fullBroker.server().getPagingManager().isDiskFull());
            ingress.start();
            // above Artemis's large-message threshold (100 KiB): streamed to the broker in chunks
            String large = ("x".repeat(98) + "\r\n").repeat(3000);
            try (SmtpConversation smtp = SmtpConversation.open(smtpPort).readTimeout(Duration.ofSeconds(20))) {
                smtp.send("EHLO client");
                for (TestMail mail : new TestMail[] {TestMail.to("bob@example.com").messageId("<small@example.com>"),
                        TestMail.to("bob@example.com").subject("large").body(large)}) {
                    assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
                    assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
                    long start = System.nanoTime();
                    assertThat(smtp.data(mail.bytes())).as("the broker holds new mail back: try again later")
                            .startsWith("452 4.3.1");
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    System.out.printf("disk full: DATA answered 452 after %d ms%n", millis);
                    assertThat(millis).as("at the publish deadline, not later").isBetween(900L, 10_000L);
                }
                assertThat(smtp.send("NOOP")).as("the session goes on").startsWith("250");
            }
            // the pickup folder publishes through the same publisher: its file stays claimed for the next poll
            Files.writeString(pickup.resolve("alert.eml"), "To: ops@example.com\r\nSubject: alert\r\n\r\nHi\r\n");
            PickupIngress folder = new PickupIngress(publisher, "a", pickup, new PickupSettings(1 << 20, Duration.ZERO),
                    Clock.systemUTC());
            PickupIngress.Claim claim = folder.claim().get(0);
            assertThatThrownBy(() -> folder.publish(claim)).isInstanceOf(PublishHeldBackException.class)
                    .hasMessageContaining("disk is full");
            assertThat(claim.file()).as("kept for the next poll").exists();
            assertThat(mailboxAdded(broker)).as("nothing stored while the disk is full").isZero();

            broker.close();
            broker = EmbeddedBroker.start(roomy, dir.resolve("broker"));
            assertThat(mailboxCount(broker)).as("no abandoned publish turns up after the restart").isZero();
            try (SmtpConversation smtp = SmtpConversation.open(smtpPort).readTimeout(Duration.ofSeconds(20))) {
                smtp.send("EHLO client");
                smtp.send("MAIL FROM:<alice@example.com>");
                smtp.send("RCPT TO:<bob@example.com>");
                assertThat(smtp.data(TestMail.to("bob@example.com").messageId("<small@example.com>").bytes()))
                        .as("room again: the same mail is accepted").startsWith("250");
            }
            PickupIngress.Claim again = folder.claim().get(0);
            folder.publish(again);
            folder.remove(again);
            assertThat(again.mailId()).as("under the id it was claimed with").isEqualTo(claim.mailId());
            assertThat(mailboxCount(broker)).as("each stored once").isEqualTo(2);
        } finally {
            broker.close();
        }
    }

    private static long mailboxCount(EmbeddedBroker broker) {
        Queue mailbox = broker.server().locateQueue(Queues.mailbox("a"));
        return mailbox == null ? 0 : mailbox.getMessageCount();
    }

    private static long mailboxAdded(EmbeddedBroker broker) {
        Queue mailbox = broker.server().locateQueue(Queues.mailbox("a"));
        return mailbox == null ? 0 : mailbox.getMessagesAdded();
    }
}
