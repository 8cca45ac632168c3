package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.TestHome;

/**
 * Reading clamd's answers fail-closed (also from a scripted daemon that answers out of turn,
 * endlessly or not at all), its address, and the clamd settings; no real clamd needed.
 */
class ClamdProtocolTest {

    @TempDir
    Path dir;

    @Test
    void onlyStreamOkShouldBeCleanAndOnlyANamedFindingInfected() {
        assertThat(ClamdReply.parse("stream: OK")).isEqualTo(new ClamdReply(ClamdReply.Kind.OK, ""));
        assertThat(ClamdReply.parse("stream: Eicar-Signature FOUND"))
                .isEqualTo(new ClamdReply(ClamdReply.Kind.FOUND, "Eicar-Signature"));
        assertThat(ClamdReply.parse("stream: Win.Test.EICAR_HDB-1(44d88612fea8a8f36de82e1278abb02f:68) FOUND").text())
                .isEqualTo("Win.Test.EICAR_HDB-1(44d88612fea8a8f36de82e1278abb02f:68)");
        for (String notAVerdict : new String[] {"INSTREAM size limit exceeded. ERROR", "Error writing to temporary file ERROR",
                "COMMAND READ TIMED OUT", "UNKNOWN COMMAND", "", "stream: OK ", "stream: OKAY", "stream:  FOUND",
                "PONG", "stream: OK\nstream: Eicar FOUND"}) {
            assertThat(ClamdReply.parse(notAVerdict).kind()).as("'%s'", notAVerdict).isEqualTo(ClamdReply.Kind.ERROR);
        }
    }

    @Test
    void repliesShouldBeKeptPrintableAndShort() {
        ClamdReply reply = ClamdReply.parse("stream: Evil\u001b[31m\u0007Name" + "x".repeat(500) + " FOUND");

        assertThat(reply.kind()).isEqualTo(ClamdReply.Kind.FOUND);
        assertThat(reply.text()).startsWith("Evil?[31m?Name").hasSize(163).endsWith("...").doesNotContain("\u001b");
    }

    @Test
    void addressesShouldBeAUnixSocketOrAHostAndPort() {
        assertThat(ClamdAddress.parse("unix:/var/run/clamav/clamd.ctl").socket()).isEqualTo(Path.of("/var/run/clamav/clamd.ctl"));
        assertThat(ClamdAddress.parse("tcp:127.0.0.1:3310")).isEqualTo(new ClamdAddress(null, "127.0.0.1", 3310));
        assertThat(ClamdAddress.parse("tcp:[::1]:3310")).hasToString("tcp:[::1]:3310");
        for (String bad : new String[] {"/var/run/clamav/clamd.ctl", "unix:relative.sock", "tcp:localhost", "tcp::3310",
                "tcp:host:99999", "3310", "", "unix:/" + "x".repeat(120)}) {
            assertThatThrownBy(() -> ClamdAddress.parse(bad)).as("'%s'", bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"2: stream: OK", "stream: OK", "1: stream: OK\n", "1: PONG", "1: ", "1: stream: OK (cached)"})
    void aDaemonAnsweringAnythingButItsOwnRequestsVerdictShouldNeverPassAMail(String reply) throws Exception {
        try (ScriptedDaemon daemon = new ScriptedDaemon(dir, (reply + "\0").getBytes(StandardCharsets.US_ASCII));
                ClamdScan scan = daemon.scan()) {
            assertThatThrownBy(() -> scan.check(Mails.under("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII))))
                    .isInstanceOf(CheckFailedException.class);
        }
    }

    @Test
    void aDaemonThatSendsNoTerminatorOrClosesEarlyShouldBeAScannerError() throws Exception {
        byte[] endless = "1: stream: OK".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        try (ScriptedDaemon daemon = new ScriptedDaemon(dir, endless); ClamdScan scan = daemon.scan()) {
            assertThatThrownBy(() -> scan.check(Mails.under("x".getBytes(StandardCharsets.US_ASCII))))
                    .isInstanceOf(CheckFailedException.class).hasMessageContaining("longer than 4096 bytes");
        }
        try (ScriptedDaemon daemon = new ScriptedDaemon(dir, "1: stream: O".getBytes(StandardCharsets.US_ASCII));
                ClamdScan scan = daemon.scan()) {
            assertThatThrownBy(() -> scan.check(Mails.under("x".getBytes(StandardCharsets.US_ASCII))))
                    .isInstanceOf(CheckFailedException.class).hasMessageContaining("in the middle of its answer");
        }
    }

    /** A daemon on a Unix socket that reads one request and answers with the given bytes, then closes. */
    private static final class ScriptedDaemon implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Path socket;
        private final Thread thread;

        ScriptedDaemon(Path dir, byte[] answer) throws IOException {
            socket = Files.createTempDirectory(dir, "d").resolve("s");
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            thread = new Thread(() -> {
                try (SocketChannel client = server.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(64 * 1024);
                    // IDSESSION, INSTREAM, a chunk and the zero-length end: answer once the end arrived
                    while (client.read(in) > 0 && !endsWithZeroChunk(in)) {
                        in.limit(in.capacity());
                    }
                    client.write(ByteBuffer.wrap(answer));
                } catch (IOException e) {
                    // the test sees what the check made of it
                }
            });
            thread.setDaemon(true);
            thread.start();
        }

        private static boolean endsWithZeroChunk(ByteBuffer in) {
            int p = in.position();
            return p >= 4 && in.get(p - 1) == 0 && in.get(p - 2) == 0 && in.get(p - 3) == 0 && in.get(p - 4) == 0
                    && new String(in.array(), 0, p, StandardCharsets.ISO_8859_1).contains("INSTREAM");
        }

        ClamdScan scan() {
            return new ClamdScan(ClamdAddress.parse("unix:" + socket), Duration.ofSeconds(5), Duration.ofSeconds(2), 1,
                    1 << 20, Clock.systemUTC());
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    @Test
    void badSettingsShouldFailNamingTheKey() {
        assertThatThrownBy(() -> ClamdScan.from(Mails.config(dir, Map.of(ClamdSettings.ADDRESS, "/var/run/clamd.ctl"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(ClamdSettings.ADDRESS)
                .hasMessageContaining("unix:");
        assertThatThrownBy(() -> ClamdScan.from(Mails.config(dir, Map.of(ClamdSettings.TIMEOUT, "0s"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(ClamdSettings.TIMEOUT);
        assertThatThrownBy(() -> ClamdScan.from(Mails.config(dir, Map.of(ClamdSettings.CONNECT_TIMEOUT, "soon"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(ClamdSettings.CONNECT_TIMEOUT);
        assertThatThrownBy(() -> ClamdScan.from(Mails.config(dir, Map.of(ClamdSettings.POOL_SIZE, "-1"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(ClamdSettings.POOL_SIZE);
        assertThatThrownBy(() -> ClamdScan.from(Mails.config(dir, Map.of(ClamdSettings.STREAM_MAX_LENGTH, "lots"))))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(ClamdSettings.STREAM_MAX_LENGTH);
    }

    @Test
    void theShippedSettingsShouldBuildTheCheckWithoutTouchingClamd() {
        MailgridConfig shipped = MailgridConfig.load(TestHome.path().resolve("config/mailgrid.properties"), Map.of(),
                new Properties(), Map.of());
        try (ClamdScan scan = ClamdScan.from(shipped)) {
            assertThat(scan.describe()).isEqualTo("clamd (unix:/var/run/clamav/clamd.ctl, 8 pooled sessions, timeout 120000 ms, "
                    + "stream max 26214400 bytes)");
        }
    }
}
