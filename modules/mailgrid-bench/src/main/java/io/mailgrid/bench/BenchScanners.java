package io.mailgrid.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

import io.mailgrid.checks.ClamdSettings;
import io.mailgrid.checks.VirusScanSettings;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.node.cli.MailgridHome;
import io.mailgrid.testing.ClamAv;
import io.mailgrid.testing.ClamdProcess;

/**
 * The policy chains the scanner scenario compares, and the clamd they scan with: the bench starts
 * its own {@code clamd} (the EICAR test database, a socket in a temporary directory), so the
 * figures never depend on, or disturb, a ClamAV set up on the machine.
 */
final class BenchScanners implements AutoCloseable {

    /** A chain of the scanner scenario. */
    enum Chain {
        /** Every mail CLEAN without looking at it: the pipeline's own cost. */
        PASS_ALL("pass-all", "check:pass-all", false),
        /** The shipped chain with the clamd check (INSTREAM over clamd's socket). */
        CLAMD("clamd", "check:clamd", true),
        /** The shipped chain with the command-line scanner running clamdscan for every mail. */
        EXEC("exec", "check:virus-scan", true);

        final String label;
        final String step;
        /** Whether its nodes scan with the bench's clamd. */
        final boolean scansWithClamd;

        Chain(String label, String step, boolean scansWithClamd) {
            this.label = label;
            this.step = step;
            this.scansWithClamd = scansWithClamd;
        }

        static Chain of(String label) {
            for (Chain chain : values()) {
                if (chain.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                    return chain;
                }
            }
            throw new IllegalArgumentException("unknown scanner '" + label + "': clamd, exec or pass-all");
        }
    }

    private final ClamdProcess clamd;
    private final String clamdscan;

    private BenchScanners(ClamdProcess clamd, String clamdscan) {
        this.clamd = clamd;
        this.clamdscan = clamdscan;
    }

    /** Whether any of these chains scans with clamd: pass-all alone runs on a machine without one. */
    static boolean needClamd(Collection<Chain> chains) {
        return chains.stream().anyMatch(chain -> chain.scansWithClamd);
    }

    /**
     * Starts a clamd of the bench's own in {@code dir} when one of {@code chains} scans with it; empty
     * when none does (nothing started, {@code why} left empty) or when it cannot start ({@code why} says why).
     */
    static Optional<BenchScanners> start(Collection<Chain> chains, Path dir, StringBuilder why) {
        if (!needClamd(chains)) {
            return Optional.empty();
        }
        Optional<Path> program = ClamAv.clamd();
        if (program.isEmpty()) {
            why.append("clamd is not installed (Debian: apt-get install clamav-daemon)");
            return Optional.empty();
        }
        ClamdProcess clamd = ClamdProcess.in(dir).program(program.get()).start();
        return Optional.of(new BenchScanners(clamd, onPath("clamdscan")));
    }

    /** Why this chain cannot run here, or empty when it can. */
    Optional<String> unavailable(Chain chain) {
        return chain == Chain.EXEC && clamdscan == null
                ? Optional.of("clamdscan is not installed (Debian: apt-get install clamdscan)") : Optional.empty();
    }

    /** The node settings that point both scanners at the bench's clamd. */
    List<String> nodeOptions() {
        String command = (clamdscan == null ? "clamdscan" : clamdscan) + " --config-file=" + clamd.configFile() + " --no-summary -";
        return List.of("-D" + ClamdSettings.ADDRESS + "=" + clamd.unixAddress(),
                "-D" + VirusScanSettings.COMMAND + "=" + command);
    }

    long pid() {
        return clamd.pid();
    }

    /**
     * The shipped routes with the virus scan step of routes/policy.xml replaced by this chain's
     * step (pass-all: the whole chain is that one step), written once under {@code work}.
     */
    static Path routes(Path work, Chain chain) throws IOException {
        Path shipped = MailgridHome.fromSystem().path().resolve("routes");
        Path copy = work.resolve("routes-" + chain.label);
        if (Files.isDirectory(copy)) {
            return copy;
        }
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(shipped)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String xml = Files.readString(file, StandardCharsets.UTF_8);
                if (file.getFileName().toString().equals("policy.xml")) {
                    xml = policy(xml, chain);
                }
                Files.writeString(copy.resolve(file.getFileName()), xml, StandardCharsets.UTF_8);
            }
        }
        return copy;
    }

    private static String policy(String shipped, Chain chain) {
        if (chain == Chain.PASS_ALL) {
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- bench: the CLEAN-only chain -->\n"
                    + "<routes xmlns=\"http://camel.apache.org/schema/spring\">\n"
                    + "  <route id=\"policy-chain\" routeConfigurationId=\"policy-errors\">\n"
                    + "    <from uri=\"direct:policy-chain\"/>\n    <to uri=\"check:pass-all\"/>\n"
                    + "  </route>\n</routes>\n";
        }
        String replaced = shipped.replaceFirst("<to uri=\"check:(virus-scan|clamd)\"/>",
                "<to uri=\"" + chain.step + "\"/>");
        if (!replaced.contains("<to uri=\"" + chain.step + "\"/>")) {
            throw new IllegalStateException("routes/policy.xml has no virus scan step (check:clamd or check:virus-scan) to replace");
        }
        return replaced;
    }

    private static String onPath(String program) {
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }

    @Override
    public void close() {
        clamd.close();
    }

    @Override
    public String toString() {
        return clamd.toString();
    }
}
