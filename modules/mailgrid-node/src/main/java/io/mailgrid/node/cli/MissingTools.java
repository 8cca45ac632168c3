package io.mailgrid.node.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.mailgrid.checks.CheckStatus;
import io.mailgrid.checks.ClamdScan;
import io.mailgrid.checks.VirusScan;

/**
 * What a node about to start lacks for its policy chain, said as the first lines of {@code mailgrid
 * run}: the missing part and the one command that installs it (the quick start on a fresh machine,
 * docs/adr/0032). The node still starts; without the part it grabs no mail (maintenance) and never
 * delivers unscanned.
 */
final class MissingTools {

    private MissingTools() {
    }

    /** Where Debian's clamav-daemon puts the daemon. */
    private static final Path CLAMD = Path.of("/usr/sbin/clamd");

    /** One line per unavailable check of the chain; empty when nothing is missing. */
    static List<String> lines(Map<String, CheckStatus> unavailable, String virusScanCommand) {
        return lines(unavailable, virusScanCommand, Files::isExecutable);
    }

    /** As above, with {@code installed} telling whether a program's file is there (a test's stand-in). */
    static List<String> lines(Map<String, CheckStatus> unavailable, String virusScanCommand, Predicate<Path> installed) {
        List<String> lines = new ArrayList<>();
        unavailable.forEach((check, status) -> lines.add("mailgrid: MISSING " + check + " (" + status.reason()
                + "): mail waits in the mailbox and is never delivered unscanned; "
                + remedy(check, virusScanCommand, installed)));
        return lines;
    }

    private static String remedy(String check, String virusScanCommand, Predicate<Path> installed) {
        if (check.equals(ClamdScan.NAME) && installed.test(CLAMD)) {
            // the usual case right after apt-get install: Debian's unit starts clamd only once it has signatures
            return "clamd is installed but does not answer: fetch its signatures (sudo freshclam), then start it"
                    + " (sudo systemctl start clamav-daemon); or set mailgrid.clamd.address";
        }
        if (check.equals(ClamdScan.NAME)) {
            return "install it with: sudo apt-get install clamav-daemon"
                    + " (it answers once freshclam has fetched the signatures; or set mailgrid.clamd.address)";
        }
        if (check.equals(VirusScan.NAME)) {
            String program = virusScanCommand == null ? "" : virusScanCommand.strip().split("\\s+")[0];
            String packages = program.equals("clamdscan") ? "clamdscan clamav-daemon" : "clamav";
            return "install it with: sudo apt-get install " + packages + " (or set mailgrid.virus-scan.command)";
        }
        return "see the check in routes/policy.xml and README \"Policy checks\"";
    }
}
