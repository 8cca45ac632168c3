package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;
import io.mailgrid.testing.ClamAv;
import io.mailgrid.testing.ClamdProcess;
import io.mailgrid.testing.MimeMail;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The clamd check against a real {@code clamd} started by the test with the EICAR test database:
 * verdicts, and every way the daemon fails (not running, killed mid-scan, hung, reloading, a
 * reload that broke it, a stream over its limit). Skipped without clamd, failing when CI=true.
 */
class ClamdScanTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private ExecutorService threads;

    @BeforeEach
    void clamdInstalled() {
        ClamAv.requireClamd();
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopEverything() throws Exception {
        threads.shutdownNow();
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private ClamdProcess clamd(ClamdProcess.Builder builder) {
        ClamdProcess clamd = builder.start();
        toClose.add(0, clamd);
        return clamd;
    }

    private ClamdScan scan(String address, int poolSize, Duration timeout, long streamMax) {
        ClamdScan scan = new ClamdScan(ClamdAddress.parse(address), timeout, Duration.ofMillis(500), poolSize, streamMax,
                Clock.systemUTC());
        toClose.add(0, scan);
        return scan;
    }

    private ClamdScan scan(String address) {
        return scan(address, 4, Duration.ofSeconds(20), 25L << 20);
    }

    private static byte[] eicarMail() {
        return MimeMail.to("bob@example.com").text("see attached")
                .attachment("eicar.com", "application/octet-stream", ClamAv.eicar()).bytes();
    }

    private static byte[] cleanMail() {
        return TestMail.to("bob@example.com").body("Nothing to see.\r\n").bytes();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unix socket, pooled sessions", "unix socket, a connection per scan", "tcp, pooled sessions"})
    void eicarShouldBeInfectedWithTheSignatureNameAndACleanMailClean(String how) throws Exception {
        int port = TestHome.freePort();
        ClamdProcess clamd = clamd(ClamdProcess.in(dir.resolve("clamd")).tcpPort(port));
        ClamdScan scan = how.startsWith("tcp") ? scan(clamd.tcpAddress())
                : scan(clamd.unixAddress(), how.contains("pooled") ? 4 : 0, Duration.ofSeconds(20), 25L << 20);
        byte[] zipped = MimeMail.to("bob@example.com").text("archive").attachment("tools.zip", "application/zip",
                MimeMail.zip(Map.of("readme.txt", "hello".getBytes(), "tools/eicar.com", ClamAv.eicar()))).bytes();

        for (int round = 0; round < 3; round++) { // the same sessions serve later scans
            CheckResult attached = scan.check(Mails.under(eicarMail()));
            assertThat(attached.verdict()).isEqualTo(Verdict.INFECTED);
            assertThat(attached.reason()).startsWith("Mailgrid.Test.EICAR-");
            assertThat(scan.check(Mails.under(zipped)).verdict()).isEqualTo(Verdict.INFECTED);
            assertThat(scan.check(Mails.under(cleanMail()))).isEqualTo(CheckResult.clean());
        }
        assertThat(scan.status().available()).isTrue();
        assertThat(scan.version()).hasValueSatisfying(v -> assertThat(v).startsWith("ClamAV "));
        assertThat(scan.describe()).contains("ClamAV ");
    }

    @Test
    void aClamdThatIsNotRunningShouldMakeTheCheckUnavailableAndEveryScanAnError() {
        ClamdScan scan = scan("unix:" + dir.resolve("no-clamd.sock"));

        assertThat(scan.status().available()).isFalse();
        assertThat(scan.status().reason()).startsWith("cannot connect to clamd at unix:" + dir.resolve("no-clamd.sock"));
        assertThatThrownBy(() -> scan.check(Mails.under(eicarMail()))).isInstanceOf(CheckFailedException.class)
                .hasMessageStartingWith("cannot connect to clamd");
        assertThatThrownBy(() -> scan.check(Mails.under(cleanMail()))).isInstanceOf(CheckFailedException.class);
    }

    @Test
    void aClamdKilledInTheMiddleOfAScanShouldBeAScannerErrorAndTheCheckUnavailable() throws Exception {
        ClamdProcess clamd = clamd(ClamdProcess.in(dir.resolve("clamd")));
        ClamdScan scan = scan(clamd.unixAddress());
        assertThat(scan.check(Mails.under(cleanMail()))).isEqualTo(CheckResult.clean()); // a pooled session now
        byte[] big = TestMail.to("bob@example.com").body("x".repeat(8 << 20) + "\r\n").bytes();

        clamd.suspend(); // it takes the connection but reads nothing: the scan is stuck writing the mail
        Thread[] scanner = new Thread[1];
        Future<Object> result = threads.submit(() -> {
            scanner[0] = Thread.currentThread();
            return scan.check(Mails.under(big));
        });
        await().atMost(WAIT).until(() -> scanner[0] != null && Arrays.stream(scanner[0].getStackTrace())
                .anyMatch(f -> f.getClassName().contains("SocketChannel") && f.getMethodName().equals("write")));
        clamd.kill9();

        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CheckFailedException.class)
                .cause().message().doesNotContain("no answer within");
        await().atMost(WAIT).until(() -> !scan.status().available());
        assertThat(scan.status().reason()).contains("cannot connect to clamd");
    }

    @Test
    void aHungClamdShouldTimeOutAndItsLateAnswerMustNeverAnswerALaterScan() throws Exception {
        ClamdProcess clamd = clamd(ClamdProcess.in(dir.resolve("clamd")));
        ClamdScan scan = scan(clamd.unixAddress(), 1, Duration.ofMillis(700), 25L << 20);
        assertThat(scan.check(Mails.under(cleanMail()))).isEqualTo(CheckResult.clean());

        clamd.suspend();
        long started = System.nanoTime();
        assertThatThrownBy(() -> scan.check(Mails.under(cleanMail()))).isInstanceOf(CheckFailedException.class)
                .hasMessageContaining("no answer within 700 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> !scan.status().available());
        assertThat(scan.status().reason()).contains("no answer within");

        clamd.resume(); // clamd now answers "stream: OK" to the scan that timed out
        CheckResult infected = scan.check(Mails.under(eicarMail()));
        assertThat(infected.verdict()).as("the EICAR scan after the hang").isEqualTo(Verdict.INFECTED);
        await().atMost(WAIT).until(() -> scan.status().available());
    }

    @Test
    void aMailOverClamdsStreamMaxLengthShouldBeAScannerErrorNeverClean() throws Exception {
        ClamdProcess clamd = clamd(ClamdProcess.in(dir.resolve("clamd")).streamMaxLength("1M"));
        // the EICAR string past clamd's limit: a scanner that stopped reading there would call it clean
        byte[] overLimit = TestMail.to("bob@example.com").body("x".repeat(2 << 20) + "\r\n" + new String(ClamAv.eicar())
                + "\r\n").bytes();

        ClamdScan unaware = scan(clamd.unixAddress()); // mailgrid.clamd.stream-max-length left at 25MB
        assertThatThrownBy(() -> unaware.check(Mails.under(overLimit))).isInstanceOf(CheckFailedException.class)
                .hasMessageContaining("size limit exceeded").hasMessageContaining(ClamdSettings.STREAM_MAX_LENGTH);
        assertThat(unaware.check(Mails.under(eicarMail())).verdict()).isEqualTo(Verdict.INFECTED);

        ClamdScan aware = scan(clamd.unixAddress(), 4, Duration.ofSeconds(20), 1L << 20);
        assertThatThrownBy(() -> aware.check(Mails.under(overLimit))).isInstanceOf(CheckFailedException.class)
                .hasMessageContaining("larger than " + ClamdSettings.STREAM_MAX_LENGTH);
    }

    @Test
    void scansDuringADatabaseReloadShouldGiveTheRightVerdictOrAnErrorNeverAWrongOne() throws Exception {
        // clamd's default reload: a second engine loads (200 000 signatures: about a second) while scans go on
        ClamdProcess clamd = clamd(ClamdProcess.in(dir.resolve("clamd")).extraSignatures(200_000));
        ClamdScan scan = scan(clamd.unixAddress());
        AtomicBoolean reloaded = new AtomicBoolean();
        List<Future<List<String>>> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            workers.add(threads.submit(() -> {
                List<String> wrong = new ArrayList<>();
                int afterReload = 0;
                for (int i = 0; afterReload < 20; i++) {
                    boolean infected = i % 2 == 0;
                    try {
                        Verdict verdict = scan.check(Mails.under(infected ? eicarMail() : cleanMail())).verdict();
                        if (verdict != (infected ? Verdict.INFECTED : Verdict.CLEAN)) {
                            wrong.add((infected ? "EICAR" : "clean mail") + " judged " + verdict);
                        }
                    } catch (CheckFailedException e) {
                        // an error is allowed while clamd reloads: the mail is retried
                    }
                    afterReload += reloaded.get() ? 1 : 0;
                }
                return wrong;
            }));
        }
        assertThat(clamd.command("RELOAD")).isEqualTo("RELOADING");
        await().atMost(WAIT).until(() -> Files.readString(clamd.log()).contains("Activating the newly loaded database"));
        reloaded.set(true);

        for (Future<List<String>> worker : workers) {
            assertThat(worker.get(60, TimeUnit.SECONDS)).isEmpty();
        }
        assertThat(scan.check(Mails.under(eicarMail())).verdict()).isEqualTo(Verdict.INFECTED);
        assertThat(scan.status().available()).isTrue();
    }

    @Test
    void aClamdWhoseReloadFailedAnswersErrorsSoTheCheckShouldBeUnavailableAndNoMailJudged() throws Exception {
        // without concurrent reloads clamd reloads once its scanning threads have been idle for IdleTimeout
        ClamdProcess clamd = clamd(ClamdProcess.in(dir.resolve("clamd")).concurrentReload(false).option("IdleTimeout", "1"));
        ClamdScan scan = scan(clamd.unixAddress());
        assertThat(scan.check(Mails.under(eicarMail())).verdict()).isEqualTo(Verdict.INFECTED);

        // a broken file in the database directory, then SIGUSR2: clamd keeps running, answers PING, and fails every scan
        Files.writeString(clamd.databaseFile("broken.ndb"), "not a signature\n");
        clamd.reload();
        await().atMost(WAIT).until(() -> Files.readString(clamd.log()).contains("Database reload failed"));

        assertThatThrownBy(() -> scan.check(Mails.under(eicarMail()))).isInstanceOf(CheckFailedException.class)
                .hasMessageStartingWith("clamd error: ");
        assertThatThrownBy(() -> scan.check(Mails.under(cleanMail()))).isInstanceOf(CheckFailedException.class);
        assertThat(clamd.command("PING")).as("clamd still answers PING").isEqualTo("PONG");
        await().atMost(WAIT).until(() -> !scan.status().available());
        assertThat(scan.status().reason()).contains("answers errors");

        Files.delete(clamd.databaseFile("broken.ndb"));
        clamd.restart();
        await().atMost(WAIT).until(() -> scan.status().available());
        assertThat(scan.check(Mails.under(eicarMail())).verdict()).isEqualTo(Verdict.INFECTED);
    }

    @Test
    void pooledSessionsThatClamdDroppedShouldBeReplacedWithoutFailingTheScan() throws Exception {
        ClamdProcess clamd = clamd(ClamdProcess.in(dir.resolve("clamd")));
        ClamdScan scan = scan(clamd.unixAddress());
        assertThat(scan.check(Mails.under(cleanMail()))).isEqualTo(CheckResult.clean());

        clamd.restart(); // every pooled session is now a dead connection

        assertThat(scan.check(Mails.under(eicarMail())).verdict()).isEqualTo(Verdict.INFECTED);
        assertThat(scan.check(Mails.under(cleanMail()))).isEqualTo(CheckResult.clean());
    }
}
