package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.jms.Message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.checks.VirusScanSettings;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.ClamAv;
import io.mailgrid.testing.MimeMail;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/** A node scanning with the real ClamAV's clamscan (check:virus-scan): EICAR is quarantined as INFECTED, clean mail delivered. */
class ClamAvNodeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void eicarAsAnAttachmentAndInAZipShouldBeQuarantinedAndCleanMailDelivered() throws Exception {
        ClamAv.requireClamscan();
        String clamscan = ClamAv.clamscanWithTestDatabase(dir.resolve("clamav-db"));
        try (TestNode a = TestNode.start(dir.resolve("node"), Map.of(VirusScanSettings.COMMAND, clamscan,
                CoreSettingsCatalog.ROUTES_DIR, TestHome.execScannerRoutes().toString()))) {
            byte[] attached = MimeMail.to("bob@example.com").text("hi").attachment("eicar.com", "application/octet-stream",
                    ClamAv.eicar()).bytes();
            byte[] zipped = MimeMail.to("bob@example.com").text("hi").attachment("tools.zip", "application/zip",
                    MimeMail.zip(Map.of("eicar.com", ClamAv.eicar()))).bytes();
            String first = QuarantineTestSupport.publish(a, attached);
            String second = QuarantineTestSupport.publish(a, zipped);
            a.publish(TestMail.to("bob@example.com").body("clean\r\n"));

            for (String id : new String[] {first, second}) {
                Message quarantined = QuarantineTestSupport.browseUntilPresent(a, id);
                assertThat(quarantined.getStringProperty(MailProperty.VERDICT)).isEqualTo("INFECTED");
                assertThat(quarantined.getStringProperty(MailProperty.REASON)).startsWith("virus-scan: Mailgrid.Test.EICAR-");
            }
            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            assertThat(a.depth(Queues.QUARANTINE)).isEqualTo(2);
        }
    }
}
