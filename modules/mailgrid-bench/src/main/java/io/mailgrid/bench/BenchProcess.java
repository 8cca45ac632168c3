package io.mailgrid.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.mailgrid.node.cli.MailgridHome;

/**
 * A {@code mailgrid} broker or node started as its own JVM from the same class path as the
 * benchmark, with its CPU time and peak resident memory read from /proc.
 */
final class BenchProcess implements AutoCloseable {

    private static final long CLOCK_TICKS_PER_SECOND = 100;

    final String name;
    private final Process process;
    private final Path log;

    private BenchProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts {@code mailgrid <args>} with the given JVM options and waits for "ready" in its log. */
    static BenchProcess start(String name, Path logDir, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:+ExitOnOutOfMemoryError"); // as the launcher runs every process
        command.add("-Dmailgrid.http.port=0"); // several nodes on one machine: not all on the default port
        // the launcher's directory of Artemis's native library: the broker's journal on AIO as ./mailgrid runs it
        command.add("-Djava.library.path=" + System.getProperty("java.library.path"));
        command.addAll(jvmOptions);
        command.add("-D" + MailgridHome.HOME_PROPERTY + "=" + MailgridHome.fromSystem().path());
        command.add("-cp");
        command.add(classPath());
        command.add("io.mailgrid.node.cli.MailgridCommand");
        command.addAll(List.of(args));
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        long earlierRuns = Files.exists(log) ? Files.size(log) : 0; // a restarted process appends to its log
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BenchProcess started = new BenchProcess(name, process, log);
        try {
            started.awaitReady(Duration.ofSeconds(90), earlierRuns);
        } catch (IOException | RuntimeException e) {
            // no run owns it yet: left running, a node would retry its broker for ever after the bench ended
            process.destroyForcibly();
            throw e;
        }
        return started;
    }

    /** The class path of this JVM: the bench jar (whose manifest lists the libraries) or a test class path. */
    private static String classPath() {
        try {
            Path location = Path.of(BenchProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return location.toString().endsWith(".jar") ? location.toString() : System.getProperty("java.class.path");
        } catch (URISyntaxException e) {
            return System.getProperty("java.class.path");
        }
    }

    private void awaitReady(Duration timeout, long from) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            if (text.substring((int) Math.min(from, text.length())).contains("ready")) {
                return;
            }
            pause(100);
        }
        throw new IOException(name + " not ready after " + timeout.toSeconds() + " s; see " + log);
    }

    long pid() {
        return process.pid();
    }

    /** CPU seconds (user + system) used so far. */
    double cpuSeconds() {
        return cpuSeconds(process.pid());
    }

    /** Peak resident set size in MiB (VmHWM). */
    double peakRssMib() {
        return peakRssMib(process.pid());
    }

    /** CPU seconds (user + system) any process has used so far, from /proc; NaN where unknown. */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / (double) CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Peak resident set size in MiB (VmHWM) of any process, from /proc; NaN where unknown. */
    static double peakRssMib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not on Linux, or the process is gone
        }
        return Double.NaN;
    }

    /** Sends a signal by name (STOP, CONT) with kill(1). */
    void signal(String signal) throws IOException {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).start();
            if (kill.waitFor() != 0) {
                throw new IOException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    void kill9() {
        process.destroyForcibly();
        waitFor(10);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                signal("CONT"); // a stopped process does not act on TERM
            } catch (IOException e) {
                // it is killed below if it does not stop
            }
            process.destroy();
            if (!waitFor(30)) {
                kill9();
            }
        }
    }

    private boolean waitFor(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void copyFile(Path from, Path to) {
        try {
            Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
