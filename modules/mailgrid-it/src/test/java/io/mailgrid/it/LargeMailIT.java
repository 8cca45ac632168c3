package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.ingress.MailPublisher;
import io.mailgrid.testing.BadMail;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.TestHome;

/**
 * Very large mails through a node process started as {@code ./mailgrid run} starts it: embedded
 * broker, 4 grabber consumers, 2 deliveries, {@code -Xmx256m}. Six 25 MB mails arrive at once and
 * a 40 MB mail with an attachment over the size limit: the six are delivered byte for byte, the
 * large one is quarantined (or, when its transaction keeps failing for lack of heap, dead-lettered
 * by the broker), and the node neither runs out of heap nor stops.
 */
class LargeMailIT {

    private static final int LARGE = 25 << 20;

    @TempDir
    Path dir;

    @Test
    void twentyFiveMegabyteMailsShouldBeProcessedWithinTheNodesHeapLimit() throws Exception {
        int port = TestHome.freePort();
        Path data = dir.resolve("a");
        Path logs = Path.of("target", "it-logs", "large-" + System.currentTimeMillis()).toAbsolutePath();
        // redelivery after 500 ms: under memory pressure a large mail may need a second attempt
        try (MailgridProcess node = MailgridProcess.start("a", logs,
                List.of("mailgrid.broker.port=" + port, "mailgrid.redelivery.delay=500ms"),
                "run", "--node", "a", "--data", data.toString())) {
            MailgridConfig client = TestHome.config("a", dir.resolve("client"), port, Map.of());
            List<String> digests = new ArrayList<>();
            long started = System.nanoTime();
            try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(client);
                    MailPublisher publisher = new MailPublisher(factory)) {
                for (int i = 0; i < 6; i++) {
                    byte[] mail = BadMail.large(LARGE);
                    mail[mail.length - 40] = (byte) ('a' + i); // six different mails
                    publisher.publish(Envelope.received("a", "alice@example.com", List.of("bob@example.com"), "test",
                            Instant.now(), mail.length), mail);
                    digests.add(sha256(mail));
                }
                byte[] tooLarge = BadMail.large(40 << 20);
                publisher.publish(Envelope.received("a", "alice@example.com", List.of("bob@example.com"), "test",
                        Instant.now(), tooLarge.length), tooLarge);
            }

            Maildir outbox = Maildir.at(data.resolve("outbox"));
            // the 40 MB mail is over the attachment limit: quarantined; under memory pressure its
            // transaction may keep failing until the broker dead-letters it. Either way it is accounted for.
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> outbox.count() == 6 && depth(client, Queues.QUARANTINE) + depth(client, Queues.DLQ) == 1);
            System.out.printf("6 x 25 MB delivered in %d s; the 40 MB mail ended in %s%n",
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(),
                    depth(client, Queues.QUARANTINE) == 1 ? "the quarantine" : "the dead-letter queue");

            List<String> delivered = new ArrayList<>();
            List<String> attempts = new ArrayList<>();
            for (Maildir.Delivered mail : outbox.mails()) {
                delivered.add(sha256(mail.original()));
                attempts.add(mail.stamp("Attempt").orElse("?"));
            }
            System.out.println("delivery attempts of the six 25 MB mails: " + attempts);
            assertThat(delivered).containsExactlyInAnyOrderElementsOf(digests);
            assertThat(depth(client, Queues.mailbox("a"))).isZero();
            assertThat(node.isAlive()).isTrue();
            assertThat(node.currentRun()).doesNotContain("OutOfMemoryError");
        }
    }

    private static long depth(MailgridConfig config, String queue) throws Exception {
        try (BrokerManagement management = BrokerManagement.connect(config)) {
            return ((Number) management.attribute("queue." + queue, "messageCount")).longValue();
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
