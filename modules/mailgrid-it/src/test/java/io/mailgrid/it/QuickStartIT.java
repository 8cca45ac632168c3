package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.testing.FakeClamd;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The README's quick start on a machine without ClamAV: {@code mailgrid run} says at its first line
 * what is missing and the one command that installs it; the dropped mail waits unscanned in the
 * mailbox, and comes out stamped once clamd answers on the configured socket (here the test's
 * stand-in appears there, as clamav-daemon's socket appears after {@code apt-get install}).
 */
class QuickStartIT {

    @TempDir
    Path dir;

    @Test
    void runWithoutClamdShouldSayFirstWhatIsMissingAndDeliverOnlyOnceClamdAnswers() throws Exception {
        Path socket = dir.resolve("clamd.ctl"); // nothing listens here, as before clamav-daemon is installed or started
        Path data = dir.resolve("data");
        Path logs = Path.of("target", "it-logs", "quick-start-" + System.currentTimeMillis()).toAbsolutePath();
        try (MailgridProcess node = MailgridProcess.start("quick", logs, List.of(
                "mailgrid.broker.port=" + TestHome.freePort(), "mailgrid.clamd.address=unix:" + socket),
                "run", "--node", "quick", "--data", data.toString())) {
            List<String> output = node.currentRun().lines().skip(1).toList(); // after the "=== start" marker
            assertThat(output.get(0)).as("the first line of mailgrid run")
                    .startsWith("mailgrid: MISSING clamd (cannot connect to clamd at unix:" + socket)
                    .contains("never delivered unscanned")
                    // the remedy for this machine: install clamd, or start the one installed (CI installs it)
                    .contains(Files.isExecutable(Path.of("/usr/sbin/clamd")) ? "sudo systemctl start clamav-daemon"
                            : "sudo apt-get install clamav-daemon");

            TestMail mail = TestMail.to("bob@example.com").subject("quick start");
            Files.write(data.resolve("pickup").resolve("first.eml"), mail.bytes());
            Maildir outbox = Maildir.at(data.resolve("outbox"));
            node.awaitLog("Accepted mail", Duration.ofSeconds(30));
            assertThat(outbox.count()).as("never delivered unscanned").isZero();

            Files.createSymbolicLink(socket, Path.of(FakeClamd.address().substring("unix:".length())));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> outbox.count() == 1);
            Maildir.Delivered delivered = outbox.mails().get(0);
            assertThat(delivered.header("Message-ID")).contains(mail.messageId());
            assertThat(delivered.stamp("Checks").orElseThrow()).as("scanned").startsWith("clamd");
        }
    }
}
