package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailgrid.checks.CheckStatus;

class MissingToolsTest {

    @Test
    void nothingMissingShouldSayNothing() {
        assertThat(MissingTools.lines(Map.of(), null)).isEmpty();
    }

    @Test
    void eachMissingCheckShouldGetOneLineWithItsReasonAndTheCommandThatInstallsIt() {
        Map<String, CheckStatus> unavailable = new LinkedHashMap<>();
        unavailable.put("clamd", CheckStatus.unavailable("cannot connect to clamd at unix:/var/run/clamav/clamd.ctl"));
        unavailable.put("virus-scan", CheckStatus.unavailable("clamdscan not found on PATH"));
        unavailable.put("spam", CheckStatus.unavailable("not a Mailgrid check"));

        assertThat(MissingTools.lines(unavailable, "clamdscan --no-summary -", program -> false)).containsExactly(
                "mailgrid: MISSING clamd (cannot connect to clamd at unix:/var/run/clamav/clamd.ctl): mail waits in the mailbox"
                        + " and is never delivered unscanned; install it with: sudo apt-get install clamav-daemon"
                        + " (it answers once freshclam has fetched the signatures; or set mailgrid.clamd.address)",
                "mailgrid: MISSING virus-scan (clamdscan not found on PATH): mail waits in the mailbox and is never delivered"
                        + " unscanned; install it with: sudo apt-get install clamdscan clamav-daemon (or set mailgrid.virus-scan.command)",
                "mailgrid: MISSING spam (not a Mailgrid check): mail waits in the mailbox and is never delivered unscanned;"
                        + " see the check in routes/policy.xml and README \"Policy checks\"");
    }

    @Test
    void aClamdThatIsInstalledButNotRunningShouldBeStartedNotInstalledAgain() {
        Map<String, CheckStatus> unavailable = Map.of("clamd",
                CheckStatus.unavailable("cannot connect to clamd at unix:/var/run/clamav/clamd.ctl: No such file or directory"));
        String line = MissingTools.lines(unavailable, null, clamd -> true).get(0);
        assertThat(line).as("a fresh apt-get install of clamav-daemon does not start it without signatures")
                .doesNotContain("apt-get install")
                .contains("clamd is installed but does not answer")
                .contains("sudo freshclam")
                .contains("sudo systemctl start clamav-daemon");
    }

    @Test
    void theCommandLineScannerShouldBeInstalledByItsOwnPackage() {
        Map<String, CheckStatus> unavailable = Map.of("virus-scan", CheckStatus.unavailable("clamscan not found on PATH"));
        assertThat(MissingTools.lines(unavailable, "clamscan --no-summary -").get(0))
                .contains("sudo apt-get install clamav (or set");
    }
}
