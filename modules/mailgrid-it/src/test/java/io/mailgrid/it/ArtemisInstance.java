package io.mailgrid.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerLogin;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.node.cli.MailgridCommand;
import io.mailgrid.testing.TestHome;

/**
 * An instance of the official Artemis distribution (unpacked by the build into target/, see the
 * it module's pom), created with {@code artemis create} and run with {@code artemis run} as a
 * separate process, the way an operator runs the broker Mailgrid is deployed beside.
 * {@link #close()} always stops it.
 *
 * <p>Only the CORE acceptor (on a free port) and the web console (on another) are opened, both on
 * 127.0.0.1. The administrator is {@value #ADMIN} with role {@code amq}, as {@code artemis create}
 * sets it up.
 */
final class ArtemisInstance implements AutoCloseable {

    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "admin-it-password";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final String name;
    private final int port;
    private final int httpPort;
    private final Path log;
    private Process process;

    private ArtemisInstance(Path dir, String name, int port, int httpPort, Path log) {
        this.dir = dir;
        this.name = name;
        this.port = port;
        this.httpPort = httpPort;
        this.log = log;
    }

    /** The unpacked distribution: -Dartemis.home, set by failsafe. */
    static Path home() {
        String home = System.getProperty("artemis.home");
        if (home == null || !Files.isRegularFile(Path.of(home, "bin", "artemis"))) {
            throw new IllegalStateException("the Artemis distribution is not unpacked (artemis.home=" + home
                    + "); run the integration tests with mvn verify, which unpacks it into modules/mailgrid-it/target/");
        }
        return Path.of(home);
    }

    /**
     * {@code artemis create} of a new instance.
     *
     * @param dir    the instance directory (must not exist)
     * @param name   the broker's name, also the log file name
     * @param logDir where {@code <name>.log} is written
     * @param port   the CORE acceptor's port
     * @param console with the web console (and its Jolokia endpoint); without, the broker starts in less
     *                time, as the console is most of its start-up
     * @param extra  further {@code artemis create} options (HA: --replicated, --backup, ...)
     */
    static ArtemisInstance create(Path dir, String name, Path logDir, int port, boolean console, String... extra) {
        int httpPort = console ? TestHome.freePort() : -1;
        List<String> args = new ArrayList<>(List.of("create", "--silent", "--user", ADMIN, "--password", ADMIN_PASSWORD,
                "--require-login", "--host", "127.0.0.1",
                "--default-port", String.valueOf(port), "--name", name, "--no-autotune", "--java-memory", "512M",
                "--no-amqp-acceptor", "--no-stomp-acceptor", "--no-hornetq-acceptor", "--no-mqtt-acceptor"));
        args.addAll(console ? List.of("--http-host", "127.0.0.1", "--http-port", String.valueOf(httpPort)) : List.of("--no-web"));
        args.addAll(List.of(extra));
        args.add(dir.toString());
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ArtemisInstance instance = new ArtemisInstance(dir, name, port, httpPort, logDir.resolve(name + ".log"));
        instance.cli(home().resolve("bin/artemis"), args);
        instance.limitDiskByFreeSpace();
        return instance;
    }

    /**
     * What merge-broker-config's note advises: hold producers back below a floor of free space, not at
     * Artemis's 90 % of the disk. A test is not about the disk, so how full the machine's disk is must
     * not decide it (at 90 % every send of every node blocked, and the tests of these brokers stalled).
     */
    private void limitDiskByFreeSpace() {
        try {
            String xml = Files.readString(brokerXml(), StandardCharsets.UTF_8);
            if (!xml.contains("<min-disk-free>")) {
                Files.writeString(brokerXml(), xml.replace("</core>", "   <min-disk-free>1GB</min-disk-free>\n   </core>"),
                        StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    Path etc() {
        return dir.resolve("etc");
    }

    Path brokerXml() {
        return etc().resolve("broker.xml");
    }

    /**
     * README step: merge Mailgrid's configuration into the instance's broker.xml with
     * {@code ./mailgrid merge-broker-config} and, with the plugin, copy the mailgrid-broker jar into lib/.
     */
    void mergeMailgridConfig(boolean withPlugin) {
        if (withPlugin) {
            Path jar = Path.of(System.getProperty("mailgrid.broker.jar", "missing"));
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("mailgrid-broker jar not found at " + jar + " (set by failsafe)");
            }
            copy(jar, dir.resolve("lib").resolve(jar.getFileName()));
        }
        List<String> args = new ArrayList<>(List.of("merge-broker-config", brokerXml().toString()));
        if (withPlugin) {
            args.add("--plugin");
        }
        int exit = MailgridCommand.execute(args.toArray(String[]::new));
        if (exit != 0) {
            throw new IllegalStateException("mailgrid merge-broker-config exited with " + exit);
        }
    }

    /** Replaces the instance's broker.xml with Mailgrid's own, unchanged (README: a broker just for Mailgrid). */
    void useMailgridBrokerXml() {
        copy(TestHome.path().resolve("broker-config/broker.xml"), brokerXml());
    }

    /** README step: system properties for the broker.xml placeholders, appended to etc/artemis.profile. */
    void javaArgs(String... properties) {
        StringBuilder line = new StringBuilder("\nJAVA_ARGS=\"$JAVA_ARGS");
        for (String property : properties) {
            line.append(" -D").append(property);
        }
        line.append("\"\n");
        try {
            Files.writeString(etc().resolve("artemis.profile"), line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** README step: {@code artemis user add} through the running broker, as the administrator. */
    void addUser(String user, String password, String role) {
        cli(dir.resolve("bin/artemis"), List.of("user", "add", "--url", url(), "--user", ADMIN, "--password", ADMIN_PASSWORD,
                "--user-command-user", user, "--user-command-password", password, "--role", role, "--silent"));
    }

    /**
     * README step: the node's user (role mailgrid) and the command line's (role mailgrid-operator),
     * with the logins of these settings, added by the administrator.
     */
    void addMailgridUsers(MailgridConfig config) {
        addUser(BrokerLogin.NODE.user(config), BrokerLogin.NODE.password(config), EmbeddedBroker.NODE_ROLE);
        addUser(BrokerLogin.OPERATOR.user(config), BrokerLogin.OPERATOR.password(config), EmbeddedBroker.OPERATOR_ROLE);
    }

    /** Copies the user and role files of another instance (a backup cannot run {@code user add} while it is passive). */
    void copyUsersFrom(ArtemisInstance other) {
        for (String file : List.of("artemis-users.properties", "artemis-roles.properties")) {
            copy(other.etc().resolve(file), etc().resolve(file));
        }
    }

    /** {@code artemis run}; waits until the log shows the broker active. */
    ArtemisInstance start() {
        return start("AMQ221007: Server is now active");
    }

    /** {@code artemis run}; waits until the log since this start contains the text. */
    ArtemisInstance start(String readyText) {
        try {
            Files.writeString(log, "=== artemis run " + dir + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder run = new ProcessBuilder("sh", dir.resolve("bin/artemis").toString(), "run")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            withTestJvmOptions(run);
            process = run.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitLog(readyText, Duration.ofSeconds(90));
        return this;
    }

    /** Waits until the log since the last start contains the text; fails early if the broker died. */
    void awaitLog(String text, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; log " + log + ":\n" + tail());
            }
            return currentRun().contains(text);
        });
    }

    /** The log since the last start. */
    String currentRun() {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            return all.substring(Math.max(0, all.lastIndexOf("=== artemis run ")));
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code kill -9} of the broker process: no shutdown, no goodbye to clients or the backup. */
    void kill9() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(15));
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * GET on the console's Jolokia endpoint, e.g. {@code read/org.apache.activemq.artemis:broker="b"/QueueNames}.
     * Jolokia wants Basic auth and an Origin header (its CORS check).
     */
    JsonNode jolokia(String path) throws Exception {
        if (httpPort < 0) {
            throw new IllegalStateException(name + " was created without the web console (Cluster.artemisWithConsole)");
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/console/jolokia/" + path))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((ADMIN + ":" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Origin", "http://127.0.0.1:" + httpPort)
                .timeout(Duration.ofSeconds(10))
                .GET().build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || body.path("status").asInt() != 200) {
            throw new IllegalStateException("Jolokia " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return body.path("value");
    }

    /** The console's address, for the log. */
    String consoleUrl() {
        return "http://127.0.0.1:" + httpPort + "/console";
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: Artemis's shutdown hook stops the broker
            if (!waitFor(Duration.ofSeconds(30))) {
                kill9();
            }
        }
    }

    private void cli(Path script, List<String> args) {
        List<String> command = new ArrayList<>(List.of("sh", script.toString()));
        command.addAll(args);
        try {
            Files.writeString(log, "=== artemis " + String.join(" ", args) + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            withTestJvmOptions(builder);
            Process cli = builder.start();
            if (!cli.waitFor(120, TimeUnit.SECONDS) || cli.exitValue() != 0) {
                cli.destroyForcibly();
                throw new IllegalStateException("artemis " + args.get(0) + " failed; see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * C1 only for the Artemis JVMs of a test (the launch script appends {@code JAVA_ARGS_APPEND}): they
     * live a minute or two, and the second compiler's start-up work would compete with the test's
     * other processes for the CPU.
     */
    private static void withTestJvmOptions(ProcessBuilder builder) {
        builder.environment().put("JAVA_ARGS_APPEND", "-XX:TieredStopAtLevel=1");
    }

    private boolean waitFor(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String tail() {
        String run = currentRun();
        return run.length() > 4000 ? run.substring(run.length() - 4000) : run;
    }

    private static void copy(Path from, Path to) {
        try {
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name + " (" + url() + ", console " + consoleUrl() + ", log " + log + ")";
    }
}
