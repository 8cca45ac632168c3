package io.mailgrid.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A {@code mailgrid} command (node or broker) running as its own JVM, as an operator would run it,
 * for tests that kill processes. Output goes to a log file; {@link #close()} always stops it.
 *
 * <p>The child JVM uses this JVM's class path, so it runs exactly the code under test, and the
 * launcher's {@code java.library.path} ({@link TestHome#nativeLibraryDir()}), so an embedded broker's
 * journal is the one the launcher runs (AIO where it can run, see {@link ShippedJournal}). Its virus
 * scans say clean: {@link FakeClamd} (the shipped check:clamd) unless {@code jvmProps} set
 * {@code mailgrid.clamd.address}, {@link FakeScanner#clean()} unless they set
 * {@code mailgrid.virus-scan.command}.
 */
public final class MailgridProcess implements AutoCloseable {

    private static final String MAIN = "io.mailgrid.node.cli.MailgridCommand";

    private final String name;
    private final Process process;
    private final Path log;

    private MailgridProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * How long a started process may take to say it is ready. Generous on purpose: a node takes 5-10 s
     * alone, but three started side by side on a 2-core machine shared with other builds took over
     * 60 s; the limit only decides how soon a start that never succeeds is reported.
     */
    private static final Duration READY_WITHIN = Duration.ofSeconds(150);

    /**
     * Starts {@code mailgrid <args>} and waits until its log says it is ready.
     *
     * @param name      a label for the log file
     * @param logDir    where {@code <name>.log} is written (appended across restarts)
     * @param jvmProps  extra -D settings, e.g. "mailgrid.grabber.consumers=2"
     * @param args      the command line after {@code mailgrid}
     */
    public static MailgridProcess start(String name, Path logDir, List<String> jvmProps, String... args) {
        MailgridProcess started = launch(name, logDir, jvmProps, args);
        try {
            return started.awaitReady();
        } catch (RuntimeException | Error notReady) {
            started.kill9(); // never left running for the rest of the test run, holding its ports and CPU
            throw notReady;
        }
    }

    /**
     * Starts {@code mailgrid <args>} without waiting for it: a test that needs several nodes launches
     * them all and then {@link #awaitReady() waits} for each, so their JVMs start side by side.
     */
    public static MailgridProcess launch(String name, Path logDir, List<String> jvmProps, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        // C1 only: a test node lives for a minute, and the second compiler's work at start-up would
        // compete with the other test processes for the CPU; what a test measures is behaviour, not peak speed
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+ExitOnOutOfMemoryError"); // as the launcher: a node never goes on after running out of heap
        // as the launcher: an embedded broker's journal on AIO where it can run, so that a kill -9 or a
        // SIGSTOP hits the journal we ship (docs/adr/0040)
        command.add("-Djava.library.path=" + TestHome.nativeLibraryDir());
        command.add("-Dmailgrid.home=" + TestHome.path());
        command.add("-Dmailgrid.smtp.port=0"); // never the shared default port; --smtp-port or jvmProps choose one
        command.add("-Dmailgrid.http.port=0"); // likewise HTTP; jvmProps choose one
        // the stand-in scanner that says clean (ClamAV need not be installed); jvmProps may override it
        command.add("-Dmailgrid.virus-scan.command=" + FakeScanner.clean());
        command.add("-Dmailgrid.clamd.address=" + FakeClamd.address()); // the shipped chain's check:clamd: says clean
        jvmProps.forEach(p -> command.add("-D" + p));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN);
        command.addAll(List.of(args));
        try {
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            Files.writeString(log, "=== start " + String.join(" ", args) + System.lineSeparator(),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new MailgridProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What a short {@code mailgrid} command run as its own process printed.
     *
     * @param exitCode its exit code
     * @param stdout   the bytes it wrote to standard output, exactly
     * @param stderr   the bytes it wrote to standard error, exactly
     */
    public record CommandResult(int exitCode, byte[] stdout, byte[] stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /**
     * Runs {@code mailgrid <args>} (status, quarantine, ...) as an operator would in a terminal, as its
     * own JVM, and returns its exact output bytes.
     */
    public static CommandResult command(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx128m");
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1"); // a command runs for a second: start-up is all its time
        command.add("-Djava.library.path=" + TestHome.nativeLibraryDir()); // as the launcher runs every command
        command.add("-Dmailgrid.home=" + TestHome.path());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN);
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("mailgrid-command-", ".out");
            Path err = Files.createTempFile("mailgrid-command-", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("mailgrid " + String.join(" ", args) + " did not finish within " + timeout);
                }
                return new CommandResult(process.exitValue(), Files.readAllBytes(out), Files.readAllBytes(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The whole log file (every run), as bytes: control characters and all. */
    public byte[] logBytes() {
        try {
            return Files.readAllBytes(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the process says it is ready ({@link #launch}); fails early if it died. */
    public MailgridProcess awaitReady() {
        awaitLog("ready", READY_WITHIN);
        return this;
    }

    /** Waits until the log (since the last start) contains the text; fails early if the process died. */
    public void awaitLog(String text, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log
                        + ":\n" + tail());
            }
            return currentRun().contains(text);
        });
    }

    /** The log of the current run (after the last "=== start" marker). */
    public String currentRun() {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            int start = all.lastIndexOf("=== start ");
            return start < 0 ? all : all.substring(start);
        } catch (IOException e) {
            return "";
        }
    }

    private String tail() {
        String run = currentRun();
        return run.length() > 4000 ? run.substring(run.length() - 4000) : run;
    }

    /** The operating-system process id. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}: no shutdown hook, no goodbye to the broker. */
    public void kill9() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    /** {@code kill -STOP}: the process hangs with its connections open. */
    public void suspend() {
        signal("STOP");
    }

    /** {@code kill -CONT}: a suspended process resumes. */
    public void resume() {
        signal("CONT");
    }

    /**
     * {@code kill -TERM}, as systemd or Ctrl-C stop a node, and waits at most {@code within} for the
     * process to end by itself; one that does not is killed with {@code kill -9}.
     *
     * @return whether it ended by itself within the time
     */
    public boolean stop(Duration within) {
        process.destroy();
        if (waitFor(within)) {
            return true;
        }
        kill9();
        return false;
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            resume(); // a suspended process cannot act on TERM
            stop(Duration.ofSeconds(20));
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ", log " + log + ")";
    }
}
