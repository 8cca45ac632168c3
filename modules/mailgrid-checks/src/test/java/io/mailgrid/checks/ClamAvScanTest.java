package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;
import io.mailgrid.testing.ClamAv;
import io.mailgrid.testing.MimeMail;
import io.mailgrid.testing.TestMail;

/**
 * The virus scan with the real ClamAV ({@code clamscan}) and a test database that detects EICAR.
 * Skipped with a message where ClamAV is not installed; fails instead when CI=true.
 */
class ClamAvScanTest {

    @TempDir
    Path dir;
    private VirusScan scan;

    @BeforeEach
    void clamscan() {
        ClamAv.requireClamscan();
        String command = ClamAv.clamscanWithTestDatabase(dir.resolve("db"));
        scan = VirusScan.from(Mails.config(dir, Map.of(VirusScanSettings.COMMAND, command,
                VirusScanSettings.TIMEOUT, "60s")));
    }

    @Test
    void eicarAsABase64AttachmentShouldBeInfectedWithTheSignatureName() throws Exception {
        byte[] mail = MimeMail.to("bob@example.com").text("see attached")
                .attachment("eicar.com", "application/octet-stream", ClamAv.eicar()).bytes();

        CheckResult result = scan.check(Mails.under(mail));

        assertThat(result.verdict()).isEqualTo(Verdict.INFECTED);
        assertThat(result.reason()).startsWith("Mailgrid.Test.EICAR-");
    }

    @Test
    void eicarInsideAZipShouldBeInfected() throws Exception {
        byte[] zip = MimeMail.zip(Map.of("readme.txt", "hello".getBytes(), "tools/eicar.com", ClamAv.eicar()));
        byte[] mail = MimeMail.to("bob@example.com").text("archive").attachment("tools.zip", "application/zip", zip).bytes();

        CheckResult result = scan.check(Mails.under(mail));

        assertThat(result.verdict()).isEqualTo(Verdict.INFECTED);
        assertThat(result.reason()).startsWith("Mailgrid.Test.EICAR-");
    }

    @Test
    void aCleanMailShouldBeClean() throws Exception {
        assertThat(scan.check(Mails.under(TestMail.to("bob@example.com").body("Nothing to see.\r\n").bytes())))
                .isEqualTo(CheckResult.clean());
        assertThat(scan.status().available()).isTrue();
    }

    @Test
    void aMissingDatabaseShouldBeAScannerErrorNotClean() {
        VirusScan broken = VirusScan.from(Mails.config(dir, Map.of(VirusScanSettings.COMMAND,
                "clamscan --no-summary -d " + dir.resolve("no-db") + " -")));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> broken.check(Mails.under(TestMail.to("b@x").bytes())))
                .isInstanceOf(CheckFailedException.class).hasMessageStartingWith("scanner error (exit 2)");
    }
}
