package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.checks.VirusScanSettings;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.Queues;
import io.mailgrid.node.runtime.QuarantineTestSupport;
import io.mailgrid.node.runtime.TestNode;
import io.mailgrid.testing.FakeScanner;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.MimeMail;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/** Quarantine end to end: what a quarantined mail carries, and the quarantine command. */
class QuarantineTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void anInfectedMailShouldBeQuarantinedWithVerdictReasonNodeAndTimeAndBeReleasableAsItIs() throws Exception {
        Map<String, String> infected = Map.of(VirusScanSettings.COMMAND, FakeScanner.infected("Eicar-Test-Signature"),
                CoreSettingsCatalog.ROUTES_DIR, TestHome.execScannerRoutes().toString());
        try (TestNode a = TestNode.start(dir, infected)) {
            TestMail mail = TestMail.to("bob@example.com").subject("invoice");
            String id = a.publish(mail);

            jakarta.jms.Message quarantined = QuarantineTestSupport.browseUntilPresent(a, id);
            assertThat(quarantined.getStringProperty("mailgrid_verdict")).isEqualTo("INFECTED");
            assertThat(quarantined.getStringProperty("mailgrid_reason")).isEqualTo("virus-scan: Eicar-Test-Signature");
            assertThat(quarantined.getStringProperty("mailgrid_processed_by")).isEqualTo("a");
            assertThat(quarantined.getLongProperty("mailgrid_processed_at")).isPositive();
            assertThat(quarantined.getStringProperty("mailgrid_checks")).isEqualTo("virus-scan");

            String list = TestNode.runCommand("quarantine", "list", "--broker", a.brokerUrl());
            assertThat(list).contains(id).contains("INFECTED").contains("virus-scan: Eicar-Test-Signature").contains("1 mail(s)");
            String show = TestNode.runCommand("quarantine", "show", "--broker", a.brokerUrl(), id);
            assertThat(show).contains("mailgrid_reason: virus-scan: Eicar-Test-Signature").contains("Subject: invoice");

            String released = TestNode.runCommand("quarantine", "release", "--broker", a.brokerUrl(), id);
            assertThat(released).contains("Released " + id + " to mailgrid.outbound.a");
            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            Maildir.Delivered delivered = a.outbox().mails().get(0);
            assertThat(delivered.original()).isEqualTo(mail.bytes());
            assertThat(delivered.stamp("Verdict")).contains("INFECTED");
            assertThat(delivered.stamp("Reason")).contains("virus-scan: Eicar-Test-Signature");
            assertThat(delivered.stamp("Released")).hasValueSatisfying(value -> assertThat(value).startsWith("by "));
            assertThat(a.depth(Queues.QUARANTINE)).isZero();

            assertThat(MailgridCommand.execute("quarantine", "release", "--broker", a.brokerUrl(), id))
                    .as("releasing a mail that is no longer there").isEqualTo(MailgridCommand.EXIT_FAILURE);
            assertThat(MailgridCommand.execute("quarantine", "delete", "--broker", a.brokerUrl(), "no-such-id"))
                    .isEqualTo(MailgridCommand.EXIT_FAILURE);
            assertThat(MailgridCommand.execute("quarantine", "show", "--broker", a.brokerUrl(), "it's-not-there"))
                    .isEqualTo(MailgridCommand.EXIT_FAILURE);
        }
    }

    @Test
    void releaseWithRecheckShouldRunTheChainAgainUnderTheNextGeneration() throws Exception {
        Path flag = Files.createFile(dir.resolve("infected.flag"));
        Map<String, String> settings = Map.of(VirusScanSettings.COMMAND, FakeScanner.infectedWhileExists(flag, "Old-Signature"),
                CoreSettingsCatalog.ROUTES_DIR, TestHome.execScannerRoutes().toString());
        try (TestNode a = TestNode.start(dir, settings)) {
            String id = a.publish(TestMail.to("bob@example.com"));
            QuarantineTestSupport.browseUntilPresent(a, id);

            // the scanner's signatures were fixed: the mail is clean now
            Files.delete(flag);
            assertThat(TestNode.runCommand("quarantine", "release", "--recheck", "--broker", a.brokerUrl(), id))
                    .contains("Re-queued " + id + " to mailgrid.mailbox.a for a new check (generation 1)");

            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            Maildir.Delivered delivered = a.outbox().mails().get(0);
            assertThat(delivered.stamp("Verdict")).contains("CLEAN");
            assertThat(delivered.stamp("Released")).isEmpty();
            assertThat(delivered.stamp("Reason")).isEmpty();
            assertThat(a.depth(Queues.QUARANTINE)).isZero();
        }
    }

    @Test
    void deleteShouldRemoveExactlyTheNamedMail() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of())) {
            byte[] blocked = MimeMail.to("bob@example.com").text("x").attachment("run.exe", "application/octet-stream", new byte[4]).bytes();
            String second = QuarantineTestSupport.publish(a, blocked);
            String third = QuarantineTestSupport.publish(a, blocked);
            QuarantineTestSupport.browseUntilPresent(a, second);
            QuarantineTestSupport.browseUntilPresent(a, third);

            assertThat(TestNode.runCommand("quarantine", "delete", "--broker", a.brokerUrl(), second)).contains("Deleted " + second + " (BLOCKED_ATTACHMENT)");

            assertThat(TestNode.runCommand("quarantine", "list", "--broker", a.brokerUrl())).contains(third).doesNotContain(second);
            assertThat(a.depth(Queues.QUARANTINE)).isEqualTo(1);
        }
    }

    @Test
    void filtersShouldSelectExportShouldWriteTheOriginalAndBulkDeleteShouldTakeOnlyTheSelected() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of())) {
            byte[] blocked = MimeMail.to("bob@example.com").text("x").attachment("run.exe", "application/octet-stream", new byte[4]).bytes();
            String first = QuarantineTestSupport.publish(a, blocked);
            String second = QuarantineTestSupport.publish(a, blocked);
            QuarantineTestSupport.browseUntilPresent(a, first);
            QuarantineTestSupport.browseUntilPresent(a, second);
            String url = a.brokerUrl();

            assertThat(TestNode.runCommand("quarantine", "list", "--verdict", "blocked_attachment", "--from", "ALICE@", "--broker", url))
                    .contains(first).contains(second);
            assertThat(TestNode.runCommand("quarantine", "list", "--verdict", "INFECTED", "--broker", url)).contains("The quarantine is empty.");
            assertThat(TestNode.runCommand("quarantine", "list", "--older-than", "1h", "--broker", url)).contains("The quarantine is empty.");

            java.nio.file.Path eml = dir.resolve("first.eml");
            assertThat(MailgridCommand.execute("quarantine", "export", first, "--output", eml.toString(), "--broker", url)).isZero();
            assertThat(java.nio.file.Files.readAllBytes(eml)).isEqualTo(blocked);
            assertThat(MailgridCommand.execute("quarantine", "export", first, "--output", eml.toString(), "--broker", url))
                    .as("never overwrites a file").isEqualTo(MailgridCommand.EXIT_FAILURE);
            assertThat(MailgridCommand.execute("quarantine", "delete", "--broker", url))
                    .as("no selection: refused, not everything").isEqualTo(MailgridCommand.EXIT_USAGE);

            assertThat(TestNode.runCommand("quarantine", "delete", "--verdict", "BLOCKED_ATTACHMENT", "--broker", url))
                    .contains("Deleted " + first).contains("Deleted " + second);
            assertThat(a.depth(Queues.QUARANTINE)).isZero();
        }
    }
}
