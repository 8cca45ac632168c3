package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.checks.VirusScanSettings;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.BadMail;
import io.mailgrid.testing.FakeScanner;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * Bad input through a whole node on the shipped routes and settings: every mail ends delivered,
 * quarantined with a reason, or in the dead-letter queue; each is accounted for, and the node
 * keeps working. (The checks' own view of the same mails: MalformedMimeTest in mailgrid-checks.)
 */
class BadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Where a mail ended, and with which verdict or reason. */
    private record Outcome(String place, String detail) {
        static Outcome delivered() {
            return new Outcome("delivered", "CLEAN");
        }

        static Outcome quarantined(String reasonStart) {
            return new Outcome("quarantined", reasonStart);
        }
    }

    @Test
    void malformedMimeShouldEndDeliveredOrQuarantinedWithAReasonAndNeverStopTheNode() throws Exception {
        Map<String, byte[]> mails = new LinkedHashMap<>();
        Map<String, Outcome> expected = new LinkedHashMap<>();
        add(mails, expected, "boundary never occurs", BadMail.boundaryNeverOccurs(),
                Outcome.quarantined("attachment-policy: unparseable: multipart/mixed without any part"));
        add(mails, expected, "missing closing boundary", BadMail.missingClosingBoundary(),
                Outcome.quarantined("attachment-policy: 'run.exe' has a blocked extension"));
        add(mails, expected, "overlong boundary", BadMail.overlongBoundary(),
                Outcome.quarantined("attachment-policy: 'x.scr' has a blocked extension"));
        add(mails, expected, "bad base64", BadMail.badBase64(), Outcome.delivered());
        add(mails, expected, "unknown transfer encoding", BadMail.unknownTransferEncoding(), Outcome.delivered());
        add(mails, expected, "missing headers", BadMail.missingHeaders(), Outcome.delivered());
        add(mails, expected, "no header block", BadMail.noHeaderBlock(), Outcome.delivered());
        add(mails, expected, "8-bit garbage", BadMail.eightBitGarbage(), Outcome.delivered());
        add(mails, expected, "NUL bytes", BadMail.nulBytes(), Outcome.delivered());
        add(mails, expected, "1 MB header line", BadMail.hugeHeaderLine(1 << 20),
                Outcome.quarantined("attachment-policy: unparseable: a header longer than 65536 bytes"));
        add(mails, expected, "10000 nested multiparts", BadMail.deeplyNested(10_000),
                Outcome.quarantined("attachment-policy: unparseable: MIME parts nested more than 20 levels deep"));
        add(mails, expected, "zip bomb", BadMail.zipBomb(1L << 30),
                Outcome.quarantined("attachment-policy: the archives of this mail unpack to more than 100 MB (reading stopped in 'harmless.zip')"));

        try (TestNode a = TestNode.start(dir, Map.of())) {
            Map<String, String> idToName = new HashMap<>();
            for (Map.Entry<String, byte[]> mail : mails.entrySet()) {
                idToName.put(publish(a, mail.getValue()), mail.getKey());
            }

            Map<String, Outcome> actual = awaitOutcomes(a, idToName, mails.size());

            assertThat(actual).containsExactlyInAnyOrderEntriesOf(expectedWithPrefixes(expected, actual));
            for (Maildir.Delivered delivered : a.outbox().mails()) {
                String name = idToName.get(delivered.stamp("Id").orElseThrow());
                assertThat(delivered.original()).as("%s delivered byte for byte", name).isEqualTo(mails.get(name));
            }
            // the node still works
            String after = a.publish(TestMail.to("bob@example.com"));
            await().atMost(WAIT).until(() -> a.outbox().mails().stream().anyMatch(m -> m.stamp("Id").orElse("").equals(after)));
        }
    }

    @Test
    void aScannerThatCrashesHangsOrErrsShouldDeadLetterTheMailWithTheReasonNeverDeliverIt() throws Exception {
        Map<String, String> reasons = new LinkedHashMap<>();
        reasons.put(FakeScanner.crashing(), "virus-scan: scanner crashed (exit 139, signal 11)");
        reasons.put(FakeScanner.hanging(), "virus-scan: scanner gave no answer within 300 ms and was killed");
        reasons.put(FakeScanner.failing(2, "database missing"), "virus-scan: scanner error (exit 2): database missing");
        int run = 0;
        for (Map.Entry<String, String> scanner : reasons.entrySet()) {
            Path data = dir.resolve("run" + run++);
            try (TestNode a = TestNode.start(data, Map.of(VirusScanSettings.COMMAND, scanner.getKey(),
                    VirusScanSettings.TIMEOUT, "300ms", CoreSettingsCatalog.ROUTES_DIR, TestHome.execScannerRoutes().toString()))) {
                String id = a.publish(TestMail.to("bob@example.com"));

                Message dead = a.receive(Queues.DLQ, WAIT.toMillis());

                assertThat(dead).as(scanner.getKey()).isNotNull();
                assertThat(dead.getStringProperty(MailProperty.MAIL_ID)).isEqualTo(id);
                assertThat(dead.getStringProperty(MailProperty.REASON)).as(scanner.getKey()).contains(scanner.getValue());
                assertThat(dead.getIntProperty(MailProperty.DELIVERY_COUNT)).as("after every attempt").isGreaterThanOrEqualTo(1);
                assertThat(a.outbox().count()).isZero();
                assertThat(a.depth(Queues.QUARANTINE)).isZero();
            }
        }
    }

    @Test
    void aScannerThatPrintsGarbageShouldBeJudgedByItsExitCode() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of(VirusScanSettings.COMMAND, FakeScanner.printingGarbage(0),
                CoreSettingsCatalog.ROUTES_DIR, TestHome.execScannerRoutes().toString()))) {
            a.publish(TestMail.to("bob@example.com"));
            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
        }
    }

    @Test
    void aNodeWhoseScannerIsMissingShouldReportTheCheckUnavailableAndKeepItsMailWaiting() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of(VirusScanSettings.COMMAND, "not-installed-scanner -",
                CoreSettingsCatalog.ROUTES_DIR, TestHome.execScannerRoutes().toString()))) {
            assertThat(a.node.checks().chain()).containsExactly("virus-scan", "attachment-policy", "content-rules");
            assertThat(a.node.checks().unavailableInChain()).containsOnlyKeys("virus-scan");
            assertThat(a.node.checks().unavailableInChain().get("virus-scan").reason())
                    .isEqualTo("not-installed-scanner not found on PATH");

            // it grabs nothing (maintenance): the mail waits for a node with a scanner, never unscanned, never lost
            assertThat(a.node.cluster().state()).isEqualTo(io.mailgrid.cluster.NodeState.MAINTENANCE);
            a.publish(TestMail.to("bob@example.com"));
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> a.depth(Queues.mailbox("a")) == 1);
            assertThat(a.outbox().count()).isZero();
            assertThat(a.depth(Queues.DLQ)).isZero();
        }
    }

    private static void add(Map<String, byte[]> mails, Map<String, Outcome> expected, String name, byte[] mail, Outcome outcome) {
        mails.put(name, mail);
        expected.put(name, outcome);
    }

    private static String publish(TestNode a, byte[] bytes) throws Exception {
        Envelope envelope = Envelope.received("a", "alice@example.com", List.of("bob@example.com"), "test",
                Instant.now(), bytes.length);
        a.node.publisher().publish(envelope, bytes);
        return envelope.mailId();
    }

    /** Waits until every mail is accounted for in the outbox, the quarantine or the DLQ. */
    private static Map<String, Outcome> awaitOutcomes(TestNode a, Map<String, String> idToName, int total) {
        Map<String, Outcome> outcomes = new HashMap<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            outcomes.clear();
            for (Maildir.Delivered delivered : a.outbox().mails()) {
                outcomes.put(idToName.get(delivered.stamp("Id").orElseThrow()),
                        new Outcome("delivered", delivered.stamp("Verdict").orElse("?")));
            }
            for (Message message : browse(a, Queues.QUARANTINE)) {
                outcomes.put(idToName.get(message.getStringProperty(MailProperty.MAIL_ID)),
                        new Outcome("quarantined", message.getStringProperty(MailProperty.REASON)));
            }
            for (Message message : browse(a, Queues.DLQ)) {
                outcomes.put(idToName.get(message.getStringProperty(MailProperty.MAIL_ID)),
                        new Outcome("dead-lettered", message.getStringProperty(MailProperty.REASON)));
            }
            return outcomes.size() == total;
        });
        return outcomes;
    }

    /** The expected outcomes, with quarantine reasons completed where the actual one starts with the expected prefix. */
    private static Map<String, Outcome> expectedWithPrefixes(Map<String, Outcome> expected, Map<String, Outcome> actual) {
        Map<String, Outcome> completed = new LinkedHashMap<>();
        expected.forEach((name, outcome) -> {
            Outcome got = actual.get(name);
            boolean prefixMatches = got != null && got.place().equals(outcome.place()) && got.detail() != null
                    && got.detail().startsWith(outcome.detail());
            completed.put(name, prefixMatches ? got : outcome);
        });
        return completed;
    }

    private static List<Message> browse(TestNode a, String queue) throws Exception {
        List<Message> messages = new ArrayList<>();
        try (ActiveMQConnectionFactory factory = BrokerConnection.forOperator(a.config);
                JMSContext context = factory.createContext();
                QueueBrowser browser = context.createBrowser(context.createQueue(queue))) {
            Enumeration<?> all = browser.getEnumeration();
            while (all.hasMoreElements()) {
                Message message = (Message) all.nextElement();
                message.getStringProperty(MailProperty.MAIL_ID);
                messages.add(message);
            }
        }
        return messages;
    }
}
