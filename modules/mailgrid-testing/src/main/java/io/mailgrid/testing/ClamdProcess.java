package io.mailgrid.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real ClamAV daemon ({@code clamd}) for tests and the benchmark, started in the foreground with
 * a configuration of its own: the EICAR test database ({@link ClamAv#writeTestDatabase(Path)}), a
 * Unix socket in a short temporary directory (socket paths are limited to 108 bytes), optionally a
 * TCP port on 127.0.0.1, and its log in the given directory. Nothing of the machine's ClamAV set-up
 * (/etc/clamav, the system daemon) is used or touched.
 *
 * <p>Tests can make it misbehave as a real one does: {@link #kill9()}, {@link #suspend()} (SIGSTOP,
 * a hung daemon), {@link #reload()} (SIGUSR2, as freshclam's notification does), {@link #restart()}.
 * {@link #close()} always stops it.
 */
public final class ClamdProcess implements AutoCloseable {

    private final Builder settings;
    private final Path dir;
    private final Path socketDir;
    private final Path socket;
    private final Path config;
    private final Path log;
    private Process process;

    private ClamdProcess(Builder settings) throws IOException {
        this.settings = settings;
        this.dir = settings.dir.toAbsolutePath();
        Files.createDirectories(dir);
        this.socketDir = Files.createTempDirectory("mg-clamd-");
        this.socket = socketDir.resolve("clamd.sock");
        this.config = dir.resolve("clamd.conf");
        this.log = dir.resolve("clamd.log");
        Path database = ClamAv.writeTestDatabase(dir.resolve("db"));
        if (settings.extraSignatures > 0) {
            writeFillerSignatures(database.resolve("filler.hdb"), settings.extraSignatures);
        }
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("Foreground", "yes");
        conf.put("LocalSocket", socket.toString());
        conf.put("FixStaleSocket", "yes");
        conf.put("DatabaseDirectory", database.toString());
        conf.put("LogFile", log.toString());
        conf.put("LogTime", "yes");
        conf.put("StreamMaxLength", settings.streamMaxLength);
        conf.put("ConcurrentDatabaseReload", settings.concurrentReload ? "yes" : "no");
        if (settings.tcpPort > 0) {
            conf.put("TCPSocket", String.valueOf(settings.tcpPort));
            conf.put("TCPAddr", "127.0.0.1");
        }
        conf.putAll(settings.extra);
        StringBuilder text = new StringBuilder("# written by the Mailgrid test fixture ClamdProcess\n");
        conf.forEach((key, value) -> text.append(key).append(' ').append(value).append('\n'));
        Files.writeString(config, text.toString(), StandardCharsets.UTF_8);
    }

    /** Settings of a clamd to start; its files go to {@code dir}. */
    public static Builder in(Path dir) {
        return new Builder(dir);
    }

    /** Options for a clamd; {@link #start()} runs it and waits until it answers PING. */
    public static final class Builder {
        private final Path dir;
        private Path program;
        private String streamMaxLength = "25M";
        private int tcpPort;
        private boolean concurrentReload = true;
        private int extraSignatures;
        private final Map<String, String> extra = new LinkedHashMap<>();

        private Builder(Path dir) {
            this.dir = dir;
        }

        /** The clamd program; default: {@link ClamAv#clamd()}. */
        public Builder program(Path value) {
            this.program = value;
            return this;
        }

        /** clamd's StreamMaxLength, e.g. "1M" (default 25M, as Debian ships it). */
        public Builder streamMaxLength(String value) {
            this.streamMaxLength = value;
            return this;
        }

        /** Also listen on this TCP port of 127.0.0.1. */
        public Builder tcpPort(int value) {
            this.tcpPort = value;
            return this;
        }

        /**
         * ConcurrentDatabaseReload (default yes, clamd's default). With {@code false} clamd stops
         * scanning while it reloads, and a failed reload leaves it answering errors.
         */
        public Builder concurrentReload(boolean value) {
            this.concurrentReload = value;
            return this;
        }

        /** Adds this many meaningless hash signatures, so that loading (and reloading) takes a moment. */
        public Builder extraSignatures(int count) {
            this.extraSignatures = count;
            return this;
        }

        /** Any other clamd.conf option. */
        public Builder option(String key, String value) {
            extra.put(key, value);
            return this;
        }

        /** Writes the configuration, starts clamd and waits until it answers PING (at most 60 s). */
        public ClamdProcess start() {
            try {
                ClamdProcess clamd = new ClamdProcess(this);
                clamd.launch();
                return clamd;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private void launch() throws IOException {
        Path program = settings.program != null ? settings.program
                : ClamAv.clamd().orElseThrow(() -> new IllegalStateException("clamd is not installed"));
        List<String> command = new ArrayList<>(List.of(program.toString(), "--config-file=" + config));
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("clamd.out").toFile())).start();
        awaitReady(Duration.ofSeconds(60));
    }

    private void awaitReady(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("clamd exited with " + process.exitValue() + "; see " + log + " and "
                        + dir.resolve("clamd.out"));
            }
            try {
                if ("PONG".equals(command("PING"))) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            pause(20);
        }
        throw new IOException("clamd did not answer PING within " + timeout.toSeconds() + " s; see " + log);
    }

    /**
     * Sends one command ({@code zCOMMAND\0}) on a new connection and returns clamd's reply without
     * its terminator, e.g. {@code command("PING")} is "PONG".
     */
    public String command(String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(("z" + command + "\0").getBytes(StandardCharsets.US_ASCII)));
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == 0) {
                        return reply.toString(StandardCharsets.US_ASCII);
                    }
                    reply.write(b);
                }
                buffer.clear();
            }
            throw new IOException("clamd closed the connection without a reply to " + command);
        }
    }

    /** The Unix socket clamd listens on. */
    public Path socket() {
        return socket;
    }

    /** The socket as a {@code mailgrid.clamd.address}: {@code unix:/tmp/.../clamd.sock}. */
    public String unixAddress() {
        return "unix:" + socket;
    }

    /** The TCP port as a {@code mailgrid.clamd.address}: {@code tcp:127.0.0.1:PORT}. */
    public String tcpAddress() {
        if (settings.tcpPort <= 0) {
            throw new IllegalStateException("this clamd listens on its Unix socket only");
        }
        return "tcp:127.0.0.1:" + settings.tcpPort;
    }

    /** Its clamd.conf, which clamdscan reads too ({@code clamdscan --config-file=...}). */
    public Path configFile() {
        return config;
    }

    /** Its log file. */
    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** {@code kill -9}: connections drop, the socket file stays behind (connecting is refused). */
    public void kill9() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    /** {@code kill -STOP}: clamd hangs; connections are still accepted by the kernel but never answered. */
    public void suspend() {
        signal("STOP");
    }

    /** {@code kill -CONT}. */
    public void resume() {
        signal("CONT");
    }

    /** {@code kill -USR2}: reload the signature database, as freshclam asks it to after an update. */
    public void reload() {
        signal("USR2");
    }

    /** Starts clamd again with the same configuration (after {@link #kill9()} or a crash). */
    public void restart() {
        if (process.isAlive()) {
            kill9();
        }
        try {
            launch();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file in clamd's database directory that it reads at its next reload, e.g. a broken one. */
    public Path databaseFile(String name) {
        return dir.resolve("db").resolve(name);
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            resume(); // a stopped process does not act on TERM
            process.destroy();
            if (!waitFor(Duration.ofSeconds(10))) {
                kill9();
            }
        }
        try {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(socketDir);
        } catch (IOException e) {
            // a temporary directory left behind is harmless
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

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void writeFillerSignatures(Path file, int count) throws IOException {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            StringBuilder lines = new StringBuilder(count * 60);
            for (int i = 0; i < count; i++) {
                byte[] hash = md5.digest(("mailgrid filler " + i).getBytes(StandardCharsets.US_ASCII));
                lines.append(HexFormat.of().formatHex(hash)).append(':').append(1000 + i % 5000)
                        .append(":Mailgrid.Test.Filler-").append(i).append('\n');
            }
            Files.writeString(file, lines.toString(), StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return "clamd (pid " + (process == null ? "-" : process.pid()) + ", " + unixAddress() + ", log " + log + ")";
    }
}
