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
 * broker, the default consumers (one large-mail lane consumer each for grabber and delivery),
 * {@code -Xmx256m}, default redelivery. Six 25 MB mails
 * arrive at once and are delivered byte for byte, each at its first attempt (the memory budget
 * makes them wait for each other instead of running the heap out); then a 40 MB mail, over the
 * attachment limit, is quarantined. The node keeps running throughout.
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
        // clamd's StreamMaxLength raised above these mails, as a site accepting them would (at 25MB a 40 MB
        // mail is a scanner error, dead-lettered, before the attachment policy could quarantine it)
        try (MailgridProcess node = MailgridProcess.start("a", logs, List.of("mailgrid.broker.port=" + port,
                "mailgrid.clamd.stream-max-length=64MB"),
                "run", "--node", "a", "--data", data.toString())) {
            MailgridConfig client = TestHome.config("a", dir.resolve("client"), port, Map.of());
            List<String> digests = new ArrayList<>();
            Maildir outbox = Maildir.at(data.resolve("outbox"));
            long started = System.nanoTime();
            try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(client);
                    MailPublisher publisher = new MailPublisher(factory)) {
                for (int i = 0; i < 6; i++) {
                    byte[] mail = BadMail.large(LARGE);
                    mail[mail.length - 40] = (byte) ('a' + i); // six different mails
                    publish(publisher, mail);
                    digests.add(sha256(mail));
                }
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> outbox.count() == 6);
                System.out.printf("6 x 25 MB delivered in %d s%n", Duration.ofNanos(System.nanoTime() - started).toSeconds());

                // over the 25 MB attachment limit: read to the limit, then quarantined
                publish(publisher, BadMail.large(40 << 20));
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> depth(client, Queues.QUARANTINE) == 1);
            }

            List<String> delivered = new ArrayList<>();
            List<String> attempts = new ArrayList<>();
            for (Maildir.Delivered mail : outbox.mails()) {
                delivered.add(sha256(mail.original()));
                attempts.add(mail.stamp("Attempt").orElse("?"));
            }
            System.out.println("delivery attempts of the six 25 MB mails: " + attempts);
            assertThat(delivered).containsExactlyInAnyOrderElementsOf(digests);
            assertThat(attempts).as("the memory budget lets them wait instead of failing").containsOnly("1");
            assertThat(depth(client, Queues.DLQ)).isZero();
            assertThat(node.isAlive()).isTrue();
        }
    }

    private static void publish(MailPublisher publisher, byte[] mail) throws Exception {
        publisher.publish(Envelope.received("a", "alice@example.com", List.of("bob@example.com"), "test",
                Instant.now(), mail.length), mail);
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
