package io.mailgrid.checks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.apache.camel.LoggingLevel;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecException;
import org.apache.camel.component.exec.ExecResult;
import org.apache.camel.component.exec.impl.ExecParseUtils;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Verdict;

/**
 * The virus scan ({@code check:virus-scan}): runs a command-line scanner through camel-exec with
 * the mail on its standard input.
 *
 * <p>Exit-code contract (ClamAV's, and that of many other scanners): 0 clean; 1 infected, the
 * malware name taken from the output with the found-pattern becomes the reason; anything else, a
 * crash, or running past the timeout is a scanner error: {@link CheckFailedException}, so the mail
 * is retried and never delivered unscanned.
 *
 * <p>Parameters (keys in config/mailgrid.properties):
 * <ul>
 * <li>{@code mailgrid.virus-scan.command} required: program and arguments, double quotes group;
 *     the program is looked up on PATH unless it contains a '/'</li>
 * <li>{@code mailgrid.virus-scan.timeout} required duration: the scanner and its children are
 *     killed after it</li>
 * <li>{@code mailgrid.virus-scan.found-pattern} required regular expression, group 1 = malware name</li>
 * </ul>
 *
 * <p>The mail goes to the scanner on standard input rather than in a temporary file: no copy of
 * possibly infected content on disk, nothing to clean up after a crash, and the bytes stream from
 * the array the mail already is.
 */
public final class VirusScan implements Check {

    /** The check's name in routes/policy.xml ({@code check:virus-scan}) and in stamps. */
    public static final String NAME = "virus-scan";

    private static final int REASON_LENGTH = 160;

    private final String commandLine;
    private final String executable;
    private final List<String> args;
    private final Duration timeout;
    private final Pattern found;
    private final ScannerExecutor executor = new ScannerExecutor();

    /**
     * @param commandLine program and arguments, e.g. {@code clamdscan --no-summary -}
     * @param timeout     longest one scan may take
     * @param found       group 1 is the malware name in an output line
     */
    public VirusScan(String commandLine, Duration timeout, Pattern found) {
        List<String> tokens = ExecParseUtils.splitToWhiteSpaceSeparatedTokens(commandLine.trim());
        if (tokens.isEmpty() || tokens.get(0).isBlank()) {
            throw new IllegalArgumentException("empty scanner command line");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("scanner timeout must be positive");
        }
        this.commandLine = commandLine.trim();
        this.executable = tokens.get(0);
        this.args = List.copyOf(tokens.subList(1, tokens.size()));
        this.timeout = timeout;
        this.found = found;
    }

    /** Reads the {@code mailgrid.virus-scan.*} settings. */
    public static VirusScan from(MailgridConfig config) {
        VirusScanSettings settings = VirusScanSettings.from(config);
        return new VirusScan(settings.command(), settings.timeout(), settings.foundPattern());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return NAME + " (" + commandLine + ", timeout " + timeout.toMillis() + " ms)";
    }

    /** Unavailable when the scanner program is not installed (looked up on each call). */
    @Override
    public CheckStatus status() {
        if (executable.contains("/")) {
            Path program = Path.of(executable);
            return Files.isRegularFile(program) && Files.isExecutable(program) ? CheckStatus.ok()
                    : CheckStatus.unavailable(executable + " does not exist or is not executable");
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(dir, executable);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return CheckStatus.ok();
                }
            }
        }
        return CheckStatus.unavailable(executable + " not found on PATH");
    }

    @Override
    public CheckResult check(MailUnderCheck mail) throws CheckFailedException {
        CheckStatus status = status();
        if (!status.available()) {
            throw new CheckFailedException("scanner unavailable: " + status.reason());
        }
        ExecCommand command = new ExecCommand(executable, args, null, timeout.toMillis(), Set.of(),
                new ByteArrayInputStream(mail.bytes()), null, false, LoggingLevel.OFF);
        ExecResult result;
        try {
            result = executor.execute(command);
        } catch (ScannerExecutor.TimedOutException e) {
            throw new CheckFailedException("scanner gave no answer within " + timeout.toMillis() + " ms and was killed", e);
        } catch (ExecException e) {
            throw new CheckFailedException("scanner error: " + e.getMessage(), e);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new CheckFailedException("interrupted before the scanner answered");
        }
        List<String> output = lines(result.getStdout());
        output.addAll(lines(result.getStderr()));
        int exit = result.getExitValue();
        return switch (exit) {
            case 0 -> CheckResult.clean();
            case 1 -> CheckResult.of(Verdict.INFECTED, malwareNames(output));
            default -> throw new CheckFailedException(exitDescription(exit) + firstLine(output));
        };
    }

    private String malwareNames(List<String> output) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : output) {
            Matcher matcher = found.matcher(line);
            if (matcher.find() && matcher.group(1) != null && !matcher.group(1).isBlank()) {
                names.add(printable(matcher.group(1).trim()));
            }
        }
        if (names.isEmpty()) {
            return "the scanner reported malware without naming it" + firstLine(output);
        }
        String joined = String.join(", ", names);
        return joined.length() > REASON_LENGTH ? joined.substring(0, REASON_LENGTH) + "..." : joined;
    }

    private static String exitDescription(int exit) {
        if (exit > 128 && exit < 128 + 65) {
            return "scanner crashed (exit " + exit + ", signal " + (exit - 128) + ")";
        }
        return "scanner error (exit " + exit + ")";
    }

    private static String firstLine(List<String> output) {
        for (String line : output) {
            String clean = printable(line).trim();
            if (!clean.isEmpty()) {
                return ": " + (clean.length() > REASON_LENGTH ? clean.substring(0, REASON_LENGTH) + "..." : clean);
            }
        }
        return "";
    }

    private static List<String> lines(InputStream stream) {
        List<String> lines = new ArrayList<>();
        if (stream == null) {
            return lines;
        }
        try (stream) {
            String text = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : text.split("\r?\n")) {
                lines.add(line);
            }
        } catch (IOException e) {
            // an in-memory stream does not fail
        }
        return lines;
    }

    /** Scanner output may hold anything: keep printable characters only. */
    private static String printable(String text) {
        StringBuilder clean = new StringBuilder(Math.min(text.length(), 1024));
        for (int i = 0; i < text.length() && clean.length() < 1024; i++) {
            char c = text.charAt(i);
            clean.append(Character.isISOControl(c) || c == '\uFFFD' ? '?' : c);
        }
        return clean.toString();
    }
}
