package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.checks.PolicyModel;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.core.RequiredChecks;
import io.mailgrid.delivery.DeliverySettingsCatalog;
import io.mailgrid.ingress.MailPublisher;
import io.mailgrid.testing.Bounded;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * A node told to stop while its grabbers' publishes wait on a broker that holds back new messages
 * (its disk below {@code min-disk-free}): the stop must end within a bound, and once the broker has
 * room again every mail is delivered exactly once. The node relays its mail, so a CLEAN mail's grabber
 * publishes it to the outbound queue (a Maildir node would deliver its own mail without a publish).
 */
class NodeStopsWithHeldBackPublishTest {

    private static final int MAILS = 3;

    @TempDir
    Path dir;

    @Test
    void aNodeWhoseGrabberPublishIsHeldBackByAFullDiskShouldStopPromptlyAndDeliverEveryMailOnceAfterARestartWithRoom()
            throws Exception {
        int brokerPort = TestHome.freePort();
        Path brokerDir = dir.resolve("broker");
        MailgridConfig roomy = TestHome.config("broker", dir, brokerPort, Map.of());
        // more than any disk here has free: the broker counts its disk as full from its first scan
        MailgridConfig full = TestHome.config("broker", dir, brokerPort,
                Map.of(BrokerSettingsCatalog.MIN_DISK_FREE, "1000000GB"));
        try (SmtpSink relay = SmtpSink.start(TestHome.freePort())) {
            MailgridConfig nodeConfig = TestHome.config("a", dir.resolve("a"), brokerPort, Map.of(
                    CoreSettingsCatalog.BROKER_URL, BrokerConnection.url(roomy),
                    CoreSettingsCatalog.BROKER_SEND_TIMEOUT, "1s",
                    DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:" + relay.port()));

            List<String> sent;
            try (EmbeddedBroker broker = EmbeddedBroker.start(roomy, brokerDir)) {
                sent = publishToMailboxOfA(nodeConfig); // accepted while the disk had room; no node runs yet
            }

            try (EmbeddedBroker broker = EmbeddedBroker.start(full, brokerDir)) {
                await().atMost(Duration.ofSeconds(15)).until(() -> broker.server().getPagingManager().isDiskFull());
                TestNode a = Bounded.call("operator", Duration.ofSeconds(60), () -> TestNode.start(nodeConfig));
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(NodeStopsWithHeldBackPublishTest::aGrabberPublishWaitsForCredits);

                long stop = System.nanoTime();
                Bounded.run("operator", Duration.ofSeconds(30), a::close); // as the SIGTERM hook does
                System.out.printf("node stop with a held-back grabber publish took %d ms%n",
                        (System.nanoTime() - stop) / 1_000_000);
                assertThat(relay.mailIdCounts()).as("nothing could be delivered").isEmpty();
            }

            try (EmbeddedBroker broker = EmbeddedBroker.start(roomy, brokerDir);
                    TestNode a = TestNode.start(nodeConfig)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> relay.mailIdCounts().size() == MAILS
                        && a.depth(Queues.mailbox("a")) == 0 && a.depth(Queues.outbound("a")) == 0);
                assertThat(relay.mailIdCounts().keySet()).containsExactlyInAnyOrderElementsOf(sent);
                assertThat(relay.mailIdCounts()).as("every mail exactly once")
                        .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
                assertThat(a.depth(Queues.DLQ)).as("no mail dead-lettered").isZero();
            }
        }
    }

    /** Some thread of this JVM is in the publish step, waiting for the broker's producer credits. */
    private static boolean aGrabberPublishWaitsForCredits() {
        return Thread.getAllStackTraces().values().stream().map(Arrays::asList).anyMatch(stack ->
                stack.stream().anyMatch(frame -> frame.getClassName().endsWith("ClientProducerCreditsImpl"))
                        && stack.stream().anyMatch(frame -> frame.getClassName().equals("io.mailgrid.node.route.Publish")));
    }

    /** Mails in node a's mailbox, as a's ingress publishes them (requiring the shipped chain's checks). */
    private static List<String> publishToMailboxOfA(MailgridConfig config) throws Exception {
        List<String> mailIds = new ArrayList<>();
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config);
                MailPublisher publisher = new MailPublisher(factory,
                        RequiredChecks.of(PolicyModel.chainOf(TestHome.routes(), new Properties())))) {
            for (int i = 0; i < MAILS; i++) {
                byte[] bytes = TestMail.to("rcpt" + i + "@example.com").subject("held back " + i).bytes();
                Envelope envelope = Envelope.received("a", "sender@example.com", List.of("rcpt" + i + "@example.com"),
                        "test", Instant.now(), bytes.length);
                publisher.publish(envelope, bytes);
                mailIds.add(envelope.mailId());
            }
        }
        return mailIds;
    }
}
