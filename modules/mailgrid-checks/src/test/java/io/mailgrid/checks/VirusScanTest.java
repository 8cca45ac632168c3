package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;
import io.mailgrid.testing.BadMail;
import io.mailgrid.testing.FakeScanner;
import io.mailgrid.testing.TestMail;

/** The virus scan against fake scanner processes that keep, or break, ClamAV's exit-code contract. */
class VirusScanTest {

    private static final Pattern CLAMAV = Pattern.compile("^.*?: (.+) FOUND$");

    @TempDir
    Path dir;

    private static VirusScan scanner(String command, Duration timeout) {
        return new VirusScan(command, timeout, CLAMAV);
    }

    private static MailUnderCheck mail() {
        return Mails.under(TestMail.to("bob@example.com").bytes());
    }

    @Test
    void exitZeroShouldBeCleanAndTheScannerShouldSeeTheExactBytes() throws Exception {
        Path seen = dir.resolve("seen.eml");
        byte[] bytes = BadMail.eightBitGarbage();

        CheckResult result = scanner(FakeScanner.recordingTo(seen), Duration.ofSeconds(10)).check(Mails.under(bytes));

        assertThat(result).isEqualTo(CheckResult.clean());
        assertThat(Files.readAllBytes(seen)).isEqualTo(bytes);
    }

    @Test
    void exitOneShouldBeInfectedWithTheMalwareNameAsTheReason() throws Exception {
        CheckResult result = scanner(FakeScanner.infected("Win.Test.EICAR_HDB-1"), Duration.ofSeconds(10)).check(mail());

        assertThat(result).isEqualTo(CheckResult.of(Verdict.INFECTED, "Win.Test.EICAR_HDB-1"));
    }

    @Test
    void aScannerThatHangsShouldBeKilledWithItsChildrenAtTheTimeoutAndFailTheCheck() throws Exception {
        long before = sleepers();
        long started = System.nanoTime();

        assertThatThrownBy(() -> scanner(FakeScanner.hanging(), Duration.ofMillis(500)).check(mail()))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("scanner gave no answer within 500 ms and was killed");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(5)).until(() -> sleepers() <= before);
    }

    @Test
    void aScannerThatHangsWithoutReadingALargeMailShouldAlsoBeKilled() {
        MailUnderCheck large = Mails.under(BadMail.large(4 << 20));

        assertThatThrownBy(() -> scanner(FakeScanner.hangingWithoutReading(), Duration.ofMillis(500)).check(large))
                .isInstanceOf(CheckFailedException.class).hasMessageContaining("no answer within 500 ms");
    }

    @Test
    void aScannerThatCrashesShouldFailTheCheckSayingSo() {
        assertThatThrownBy(() -> scanner(FakeScanner.crashing(), Duration.ofSeconds(10)).check(mail()))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("scanner crashed (exit 139, signal 11)");
    }

    @Test
    void anyOtherExitCodeShouldFailTheCheckWithTheScannersMessage() {
        assertThatThrownBy(() -> scanner(FakeScanner.failing(2, "ERROR: cannot open database"), Duration.ofSeconds(10)).check(mail()))
                .isInstanceOf(CheckFailedException.class)
                .hasMessage("scanner error (exit 2): ERROR: cannot open database");
    }

    @Test
    void garbageOutputShouldNotChangeWhatTheExitCodeSays() throws Exception {
        assertThat(scanner(FakeScanner.printingGarbage(0), Duration.ofSeconds(10)).check(mail())).isEqualTo(CheckResult.clean());

        CheckResult infected = scanner(FakeScanner.printingGarbage(1), Duration.ofSeconds(10)).check(mail());

        assertThat(infected.verdict()).isEqualTo(Verdict.INFECTED);
        assertThat(infected.reason()).doesNotContain("\u0000", "\u001b", "\n", "\r").hasSizeLessThan(300);
        assertThatThrownBy(() -> scanner(FakeScanner.printingGarbage(7), Duration.ofSeconds(10)).check(mail()))
                .isInstanceOf(CheckFailedException.class).hasMessageStartingWith("scanner error (exit 7)");
    }

    @Test
    void aScannerThatPrintsWithoutEndShouldNotFillTheHeapAndEndAtTheTimeout() {
        Runtime runtime = Runtime.getRuntime();
        long usedBefore = runtime.totalMemory() - runtime.freeMemory();

        assertThatThrownBy(() -> scanner(FakeScanner.printingForever(), Duration.ofSeconds(2)).check(mail()))
                .isInstanceOf(CheckFailedException.class).hasMessageContaining("no answer within 2000 ms");

        long grown = runtime.totalMemory() - runtime.freeMemory() - usedBefore;
        assertThat(grown).as("output kept is bounded (the scanner printed hundreds of MB)").isLessThan(64L << 20);
    }

    @Test
    void aScannerThatIsNotInstalledShouldBeUnavailableAndFailTheCheck() {
        VirusScan missing = scanner("no-such-scanner-xyz --stdin", Duration.ofSeconds(1));
        VirusScan missingPath = scanner("/opt/nowhere/clamdscan -", Duration.ofSeconds(1));

        assertThat(missing.status()).isEqualTo(CheckStatus.unavailable("no-such-scanner-xyz not found on PATH"));
        assertThat(missingPath.status().available()).isFalse();
        assertThatThrownBy(() -> missing.check(mail())).isInstanceOf(CheckFailedException.class)
                .hasMessage("scanner unavailable: no-such-scanner-xyz not found on PATH");
        assertThat(scanner(FakeScanner.clean(), Duration.ofSeconds(1)).status().available()).isTrue();
    }

    @Test
    void badSettingsShouldFailNamingTheKey() {
        assertThatThrownBy(() -> VirusScan.from(Mails.config(dir, Map.of(VirusScanSettings.FOUND_PATTERN, "FOUND"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(VirusScanSettings.FOUND_PATTERN);
        assertThatThrownBy(() -> VirusScan.from(Mails.config(dir, Map.of(VirusScanSettings.TIMEOUT, "0s"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining(VirusScanSettings.TIMEOUT);
        assertThat(VirusScan.from(Mails.config(dir, Map.of(VirusScanSettings.COMMAND, "\"/opt/my scanner/scan\" --x -")))
                .describe()).contains("/opt/my scanner/scan");
    }

    /** How many "sleep 600" processes of the fake scanner are running. */
    private static long sleepers() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("sleep 600"))
                .count();
    }

}
