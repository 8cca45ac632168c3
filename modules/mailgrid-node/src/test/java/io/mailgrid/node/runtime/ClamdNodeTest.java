package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.jms.Message;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.checks.ClamdSettings;
import io.mailgrid.cluster.NodeState;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.ClamAv;
import io.mailgrid.testing.ClamdProcess;
import io.mailgrid.testing.MimeMail;
import io.mailgrid.testing.TestMail;

/**
 * A node with the shipped chain scanning with a real clamd (started by the test, EICAR test
 * database): verdicts, and a clamd that is down, killed or hung puts the node into maintenance,
 * its mail waiting in the mailbox, never delivered unscanned, quarantined or dead-lettered.
 */
class ClamdNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @BeforeEach
    void clamdInstalled() {
        ClamAv.requireClamd();
    }

    @Test
    void eicarShouldBeQuarantinedAsInfectedAndCleanMailDeliveredAndTheStartUpLogNameClamdsVersion() throws Exception {
        try (ClamdProcess clamd = ClamdProcess.in(dir.resolve("clamd")).start();
                TestNode a = TestNode.start(dir.resolve("node"), Map.of(ClamdSettings.ADDRESS, clamd.unixAddress()))) {
            assertThat(a.node.checks().chain()).containsExactly("clamd", "attachment-policy", "content-rules");
            assertThat(a.node.checks().get("clamd").orElseThrow().describe()).contains(clamd.unixAddress()).contains("ClamAV 1.");
            byte[] attached = MimeMail.to("bob@example.com").text("hi").attachment("report.pdf", "application/pdf",
                    ClamAv.eicar()).bytes();
            String infected = QuarantineTestSupport.publish(a, attached);
            String clean = a.publish(TestMail.to("bob@example.com").body("clean\r\n"));

            Message quarantined = QuarantineTestSupport.browseUntilPresent(a, infected);
            assertThat(quarantined.getStringProperty(MailProperty.VERDICT)).isEqualTo("INFECTED");
            assertThat(quarantined.getStringProperty(MailProperty.REASON)).startsWith("clamd: Mailgrid.Test.EICAR-");
            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            assertThat(a.outbox().mails().get(0).stamp("Id")).contains(clean);
            assertThat(a.outbox().mails().get(0).stamp("Checks")).contains("clamd,attachment-policy,content-rules");
        }
    }

    @Test
    void statusShouldShowTheScannerAndSignatureVersionEachNodeScansWith() throws Exception {
        try (ClamdProcess clamd = ClamdProcess.in(dir.resolve("clamd")).start();
                TestNode a = TestNode.start(dir.resolve("node"), Map.of(ClamdSettings.ADDRESS, clamd.unixAddress()))) {
            String version = clamd.command("VERSION");
            assertThat(version).startsWith("ClamAV 1.");

            await().atMost(WAIT).untilAsserted(() -> assertThat(TestNode.runCommand("status", "--broker", a.brokerUrl()))
                    .containsPattern("(?m)^a +clamd: " + java.util.regex.Pattern.quote(version) + "$"));
            assertThat(TestNode.runCommand("status", "--json", "--broker", a.brokerUrl()))
                    .contains("\"checkVersions\":{\"clamd\":\"" + version + "\"}");
        }
    }

    @Test
    void aNodeWhoseClamdIsKilledShouldGoIntoMaintenanceKeepItsMailAndDeliverItOnceClamdIsBack() throws Exception {
        try (ClamdProcess clamd = ClamdProcess.in(dir.resolve("clamd")).start();
                TestNode a = TestNode.start(dir.resolve("node"), Map.of(ClamdSettings.ADDRESS, clamd.unixAddress()))) {
            await().atMost(WAIT).until(() -> a.node.cluster().state() == NodeState.UP);

            clamd.kill9();
            await().atMost(WAIT).until(() -> a.node.cluster().state() == NodeState.MAINTENANCE);
            // refused when the probe comes after the kill; when the kill lands mid-probe, reset, or (the kernel closing
            // the dead process's socket before any reply) an end of stream
            assertThat(a.node.checks().unavailableInChain().get("clamd").reason())
                    .containsAnyOf("cannot connect to clamd", "Connection reset", "clamd closed the connection without an answer");
            String id = a.publish(TestMail.to("bob@example.com"));
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> a.depth(Queues.mailbox("a")) == 1);

            clamd.restart();
            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            assertThat(a.outbox().mails().get(0).stamp("Id")).contains(id);
            assertThat(a.node.cluster().state()).isEqualTo(NodeState.UP);
            assertThat(a.depth(Queues.QUARANTINE)).isZero();
            assertThat(a.depth(Queues.DLQ)).isZero();
        }
    }

    @Test
    void aNodeWhoseClamdHangsShouldGoIntoMaintenanceAndResumeWhenClamdDoes() throws Exception {
        try (ClamdProcess clamd = ClamdProcess.in(dir.resolve("clamd")).start();
                TestNode a = TestNode.start(dir.resolve("node"), Map.of(ClamdSettings.ADDRESS, clamd.unixAddress(),
                        ClamdSettings.CONNECT_TIMEOUT, "500ms"))) {
            clamd.suspend(); // SIGSTOP: the kernel still accepts connections, nobody answers
            await().atMost(WAIT).until(() -> a.node.cluster().state() == NodeState.MAINTENANCE);
            assertThat(a.node.checks().unavailableInChain().get("clamd").reason()).contains("no answer within 500 ms");
            String infected = QuarantineTestSupport.publish(a, MimeMail.to("bob@example.com").text("hi")
                    .attachment("report.pdf", "application/pdf", ClamAv.eicar()).bytes());
            String clean = a.publish(TestMail.to("bob@example.com"));
            await().during(Duration.ofSeconds(2)).atMost(WAIT).until(() -> a.depth(Queues.mailbox("a")) == 2);

            clamd.resume();
            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            assertThat(a.outbox().mails().get(0).stamp("Id")).contains(clean);
            assertThat(QuarantineTestSupport.browseUntilPresent(a, infected).getStringProperty(MailProperty.VERDICT)).isEqualTo("INFECTED");
            assertThat(a.depth(Queues.DLQ)).isZero();
        }
    }
}
