package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.Queues;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.cluster.StatusReport;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The checks a mail requires travel with it from ingress, and no grabber takes a mail whose
 * required checks its own chain lacks, whatever the takeover plan says (issue 10, case 6).
 */
class RequiredChecksNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String REQUIRED = "mailgrid_required";
    private static final String SHIPPED_CHAIN = "attachment-policy,clamd,content-rules";

    @TempDir
    Path dir;

    @Test
    void everyIngressPathOfAHostOnlyNodeShouldStampTheChecksOfItsPolicyChain() throws Exception {
        int smtpPort = TestHome.freePort();
        // a host-only node grabs nothing, so the mails stay in its mailbox to be looked at
        try (TestNode h = TestNode.start(dir, Map.of(CoreSettingsCatalog.NODE_ROLE, "host",
                IngressSettingsCatalog.SMTP_PORT, String.valueOf(smtpPort)))) {
            try (SmtpConversation smtp = SmtpConversation.open(smtpPort)) {
                smtp.send("EHLO client.example.net");
                assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
                assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
                assertThat(smtp.data(TestMail.to("bob@example.com").subject("smtp").bytes())).startsWith("250");
            }
            Path pickup = h.node.settings().pickupDir();
            Files.move(Files.write(pickup.resolve("p.eml.tmp"), TestMail.to("bob@example.com").subject("pickup").bytes()),
                    pickup.resolve("p.eml"));
            Path file = Files.write(dir.resolve("s.eml"), TestMail.to("bob@example.com").subject("submit").bytes());
            TestNode.runCommand("submit", "--node", "a", "--broker", h.brokerUrl(), file.toString());

            await().atMost(WAIT).until(() -> browse(h, Queues.mailbox("a")).size() == 3);
            assertThat(browse(h, Queues.mailbox("a"))).extracting(m -> m.getStringProperty("mailgrid_source") + " "
                    + m.getStringProperty(REQUIRED)).containsExactlyInAnyOrder("smtp " + SHIPPED_CHAIN,
                            "pickup " + SHIPPED_CHAIN, "submit " + SHIPPED_CHAIN);
        }
    }

    @Test
    void aWorkerShouldNeverTakeAMailRequiringACheckItsChainLacksEvenFromItsOwnMailbox() throws Exception {
        Path routes = routesWithout("check:clamd");
        try (TestNode a = TestNode.start(dir, Map.of(CoreSettingsCatalog.ROUTES_DIR, routes.toString()))) {
            String unservable = publish(a, "clamd needed", SHIPPED_CHAIN);
            String servable = publish(a, "checks a has", "attachment-policy,content-rules");
            String unmarked = publish(a, "published by an older version", null);

            await().atMost(WAIT).until(() -> a.outbox().count() >= 2 && a.depth(Queues.outbound("a")) == 0);
            await().atMost(WAIT).until(() -> inFlight(a) == 0);

            assertThat(a.outbox().mails()).extracting(m -> m.mailId()).contains(servable, unmarked)
                    .as("never checked without clamd").doesNotContain(unservable);
            assertThat(browse(a, Queues.mailbox("a"))).extracting(m -> m.getStringProperty("mailgrid_id"))
                    .as("it waits for a worker that has every required check").containsExactly(unservable);
            assertThat(a.depth(Queues.DLQ)).isZero();
            assertThat(a.depth(Queues.QUARANTINE)).isZero();
        }
    }

    private Path routesWithout(String check) throws Exception {
        Path copy = Files.createDirectories(dir.resolve("routes-without-" + check));
        try (var files = Files.list(TestHome.routes())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String xml = Files.readString(file, StandardCharsets.UTF_8);
                if (file.getFileName().toString().equals("policy.xml")) {
                    xml = String.join("\n", xml.lines().filter(l -> !(l.contains("<to") && l.contains(check))).toList());
                }
                Files.writeString(copy.resolve(file.getFileName()), xml, StandardCharsets.UTF_8);
            }
        }
        return copy;
    }

    /** Publishes to a's mailbox as a node's ingress would, with the given required checks (null: none stamped). */
    private static String publish(TestNode a, String subject, String required) throws Exception {
        byte[] bytes = TestMail.to("bob@example.com").subject(subject).bytes();
        Envelope envelope = Envelope.received("a", "alice@example.com", List.of("bob@example.com"), "test", Instant.now(),
                bytes.length);
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(a.config);
                JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            BytesMessage message = context.createBytesMessage();
            message.writeBytes(bytes);
            envelope.writeTo(message);
            if (required != null) {
                message.setStringProperty(REQUIRED, required);
            }
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT).send(context.createQueue(Queues.mailbox("a")), message);
        }
        return envelope.mailId();
    }

    private static long inFlight(TestNode a) throws Exception {
        try (var management = io.mailgrid.core.BrokerManagement.connect(a.config)) {
            return StatusReport.read(management).inFlight().size();
        }
    }

    private static List<org.apache.activemq.artemis.api.core.Message> browse(TestNode node, String queue) throws Exception {
        return node.browse(queue);
    }
}
