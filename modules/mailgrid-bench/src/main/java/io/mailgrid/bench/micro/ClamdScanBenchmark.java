package io.mailgrid.bench.micro;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.regex.Pattern;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import io.mailgrid.checks.Check;
import io.mailgrid.checks.CheckFailedException;
import io.mailgrid.checks.CheckResult;
import io.mailgrid.checks.ClamdAddress;
import io.mailgrid.checks.ClamdScan;
import io.mailgrid.checks.MailUnderCheck;
import io.mailgrid.checks.VirusScan;
import io.mailgrid.testing.ClamAv;
import io.mailgrid.testing.ClamdProcess;

/**
 * One virus scan of a clean mail by a real clamd (started for the benchmark with the EICAR test
 * database, so the time is the transport and clamd's own work per stream, not signature
 * matching): {@code session} = the clamd check on a pooled IDSESSION connection (the default),
 * {@code connection} = the clamd check with a new connection per scan
 * ({@code mailgrid.clamd.pool-size=0}), {@code clamdscan} = the command-line check forking
 * {@code clamdscan} for the mail, as the virus-scan check does. Wall time per scan on one thread;
 * clamd's CPU is on top of the benchmark JVM's. Needs clamd (and clamdscan) installed.
 */
public class ClamdScanBenchmark extends PerMailBenchmark {

    @Param({"session", "connection", "clamdscan"})
    String via;

    @Param({"2048", "20480"})
    int size;

    @Param({"plain", "attachment"})
    String kind;

    private ClamdProcess clamd;
    private Check scan;
    private MailUnderCheck mail;
    private Path dir;

    @Setup
    public void setUp() throws IOException, CheckFailedException {
        dir = Files.createTempDirectory("clamd-benchmark-");
        clamd = ClamdProcess.in(dir).program(ClamAv.clamd().orElseThrow(
                () -> new IllegalStateException("clamd is not installed (Debian: apt-get install clamav-daemon)"))).start();
        scan = switch (via) {
            case "session", "connection" -> new ClamdScan(ClamdAddress.parse(clamd.unixAddress()), Duration.ofMinutes(1),
                    Duration.ofSeconds(2), via.equals("session") ? 8 : 0, 25L << 20, Clock.systemUTC());
            case "clamdscan" -> new VirusScan("clamdscan --config-file=" + clamd.configFile() + " --no-summary -",
                    Duration.ofMinutes(1), Pattern.compile("^.*?: (.+) FOUND$"));
            default -> throw new IllegalArgumentException("unknown way to scan: " + via);
        };
        mail = Fixtures.underCheck(Fixtures.mail(size, kind));
        Fixtures.requireClean(scan, mail);
    }

    @Benchmark
    public CheckResult check() throws CheckFailedException {
        return scan.check(mail);
    }

    @TearDown
    public void tearDown() {
        if (scan instanceof ClamdScan clamdScan) {
            clamdScan.close();
        }
        clamd.close();
    }
}
