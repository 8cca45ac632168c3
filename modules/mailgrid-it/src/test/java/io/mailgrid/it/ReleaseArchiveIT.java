package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.testing.ExternalTool;
import io.mailgrid.testing.FakeClamd;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.PythonSmtpClient;
import io.mailgrid.testing.ShippedJournal;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The release archive of this build ({@code modules/mailgrid-dist}), as an operator installs it:
 * unpacked with {@code tar}, started with {@code bin/mailgrid run} from another directory with only
 * Java (JAVA_HOME) and a shell on PATH, no Maven and no checkout; a mail sent over SMTP comes out
 * in the node's Maildir. Its systemd unit passes {@code systemd-analyze verify}.
 */
class ReleaseArchiveIT {

    @TempDir
    Path dir;

    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("mailgrid.release.archive"));
        assertThat(archive).as("built by modules/mailgrid-dist in this build").isRegularFile();
        Path install = Files.createDirectories(dir.resolve("opt"));
        assertThat(run(install, Map.of(), "tar", "xzf", archive.toString())).isZero();
        try (var entries = Files.list(install)) {
            home = entries.filter(p -> p.getFileName().toString().startsWith("mailgrid-")).findFirst().orElseThrow();
        }
    }

    @Test
    void theArchiveShouldHoldWhatTheNodeNeedsAndRunWithoutMavenOrCheckout() throws Exception {
        assertThat(home.getFileName().toString()).matches("mailgrid-\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(home.resolve("bin/mailgrid")).isExecutable();
        assertThat(home.resolve("systemd/mailgrid.service")).isRegularFile();
        for (String shipped : List.of("config/mailgrid.properties", "config/content-rules.txt", "routes/policy.xml",
                "routes/grabber.xml", "broker-config/broker.xml")) {
            assertThat(home.resolve(shipped)).as(shipped).hasSameTextualContentAs(TestHome.path().resolve(shipped));
        }
        try (var jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()).toList())
                    .anyMatch(name -> name.startsWith("mailgrid-node-"))
                    .noneMatch(name -> name.contains("junit") || name.startsWith("mailgrid-testing"));
        }

        Path data = dir.resolve("data");
        int smtpPort = TestHome.freePort();
        Path log = dir.resolve("node.log");
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/mailgrid").toString(), "run", "--node", "rel",
                "--data", data.toString(), "--smtp-port", String.valueOf(smtpPort))
                .directory(Files.createDirectories(dir.resolve("elsewhere")).toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        onlyJavaAndAShell(builder.environment());
        builder.environment().put("MAILGRID_BROKER_PORT", String.valueOf(TestHome.freePort()));
        builder.environment().put("MAILGRID_CLAMD_ADDRESS", FakeClamd.address()); // clamd's stand-in: says clean
        builder.environment().put("MAILGRID_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC");
        int httpPort = TestHome.freePort(); // not the shared default 8025
        builder.environment().put("MAILGRID_HTTP_PORT", String.valueOf(httpPort));
        Process node = builder.start();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                assertThat(node.isAlive()).as("node exited; log:%n%s", read(log)).isTrue();
                return read(log).contains("ready");
            });
            // the archive's native/ directory and bin/mailgrid's java.library.path (docs/adr/0040)
            ShippedJournal.assertStartedAsShipped(read(log));
            TestMail mail = TestMail.to("bob@example.com").subject("from the release archive");
            Path eml = dir.resolve("mail.eml");
            Files.write(eml, mail.bytes());
            PythonSmtpClient.Result sent = PythonSmtpClient.send(smtpPort, "alice@example.com", List.of("bob@example.com"), eml);
            assertThat(sent.exitCode()).as(sent.output()).isZero();

            Maildir outbox = Maildir.at(data.resolve("outbox"));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> outbox.count() == 1);
            assertThat(outbox.mails().get(0).header("Message-ID")).contains(mail.messageId());
            assertThat(outbox.mails().get(0).stamp("Checks").orElseThrow()).startsWith("clamd");
            assertThat(read(log)).doesNotContain("building");
            // what the docker HEALTHCHECK and a load balancer ask: the archive's libraries serve it
            java.net.http.HttpResponse<String> ready = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
                            .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        } finally {
            node.destroy();
            if (!node.waitFor(60, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        }
        assertThat(node.exitValue()).as("graceful stop on SIGTERM, as systemd stops it (SuccessExitStatus=143)")
                .isIn(0, 143);
    }

    @Test
    void theSystemdUnitShouldPassSystemdAnalyzeVerify() throws Exception {
        Path analyze = ExternalTool.require("/usr/bin/systemd-analyze", "systemd");
        // the unit names /opt/mailgrid; here the archive is unpacked elsewhere
        String unit = Files.readString(home.resolve("systemd/mailgrid.service")).replace("/opt/mailgrid", home.toString());
        assertThat(unit).contains("Restart=on-failure", "User=mailgrid", "NoNewPrivileges=yes", "ProtectSystem=strict",
                "SuccessExitStatus=143");
        Path copy = dir.resolve("mailgrid.service");
        Files.writeString(copy, unit);
        Path out = dir.resolve("verify.out");
        Process verify = new ProcessBuilder(analyze.toString(), "verify", copy.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(verify.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(read(out)).as("systemd-analyze warns about unknown keys and bad values on its output").isEmpty();
        assertThat(verify.exitValue()).isZero();

        // systemd's own exposure score of the unit's sandbox (0 = locked down, 10 = none): 2.8 when written
        Process security = new ProcessBuilder(analyze.toString(), "security", "--offline=true", copy.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(security.waitFor(60, TimeUnit.SECONDS)).isTrue();
        java.util.regex.Matcher exposure = java.util.regex.Pattern.compile("Overall exposure level for \\S+: ([0-9.]+)")
                .matcher(read(out));
        assertThat(exposure.find()).as(read(out)).isTrue();
        assertThat(Double.parseDouble(exposure.group(1))).as("exposure level").isLessThanOrEqualTo(3.0);
    }

    /** Only Java (JAVA_HOME) and the few programs bin/mailgrid calls on PATH: no mvn, no checkout's launcher. */
    private void onlyJavaAndAShell(Map<String, String> env) throws IOException {
        Path tools = Files.createDirectories(dir.resolve("path"));
        for (String program : List.of("bash", "dirname", "readlink")) {
            Path found = List.of(Path.of("/usr/bin", program), Path.of("/bin", program)).stream()
                    .filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(program + " not found"));
            Files.createSymbolicLink(tools.resolve(program), found);
        }
        env.clear();
        env.put("PATH", tools.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static int run(Path workDir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).inheritIO();
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }
}
