package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.checks.ClamdAddress;
import io.mailgrid.checks.ClamdSettings;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.BrokerLogin;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.NodeNames;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.ingress.SmtpSettings;
import io.mailgrid.testing.TestHome;

/**
 * docker/compose.yaml and docker/Dockerfile, checked without a Docker engine against the real
 * configuration: every path exists, every MAILGRID_* variable is a real key, the node settings
 * pass the node's own validation, ports and passwords agree with broker.xml and the broker's user
 * files. (ArtemisContainerIT runs the broker part where Docker exists.)
 */
class DockerFilesTest {

    /** The host's ClamAV signature database, as compose.yaml mounts it into the clamd service. */
    private static final String CLAMAV_DB_ON_HOST = "${MAILGRID_CLAMAV_DB:-/var/lib/clamav}";

    private final Path docker = TestHome.path().resolve("docker");
    private final JsonNode compose = DockerFiles.compose();

    @Test
    void composeShouldRunABrokerClamdAndThreeNodesWithDistinctValidNames() {
        assertThat(DockerFiles.names(compose.path("services"))).containsExactly("broker", "clamd", "node-a", "node-b", "node-c");
        List<String> nodes = new ArrayList<>();
        for (String service : List.of("node-a", "node-b", "node-c")) {
            nodes.add(NodeNames.requireValid(DockerFiles.environment(compose, service).get("MAILGRID_NODE_NAME")));
        }
        assertThat(nodes).doesNotHaveDuplicates();
    }

    @Test
    void everyHostPathInComposeShouldExist() {
        compose.path("services").forEach(service -> {
            service.path("volumes").forEach(volume -> {
                if (volume.asText().startsWith(CLAMAV_DB_ON_HOST + ":")) {
                    return; // the host's signature database, documented in the compose file and checked below
                }
                String host = volume.asText().split(":")[0];
                if (host.startsWith(".")) {
                    assertThat(docker.resolve(host)).as(volume.asText()).exists();
                } else {
                    assertThat(compose.path("volumes").has(host)).as("named volume " + host + " is declared").isTrue();
                }
            });
            if (service.has("build")) {
                Path context = docker.resolve(service.path("build").path("context").asText()).normalize();
                assertThat(context).isEqualTo(TestHome.path());
                assertThat(context.resolve(service.path("build").path("dockerfile").asText())).isRegularFile();
            }
        });
    }

    @Test
    void theBrokerShouldUseTheShippedBrokerXmlOnItsDefaultPortOnEveryInterface() throws Exception {
        assertThat(DockerFiles.brokerMounts(compose)).containsEntry(
                DockerFiles.ETC_OVERRIDE + "broker.xml", docker.resolve("../broker-config/broker.xml").normalize());
        String brokerXml = Files.readString(TestHome.path().resolve("broker-config/broker.xml"));
        int port = Integer.parseInt(shippedDefaults().getProperty(CoreSettingsCatalog.BROKER_PORT));
        assertThat(brokerXml).contains("${mailgrid.broker.host:127.0.0.1}:${mailgrid.broker.port:" + port + "}");
        assertThat(DockerFiles.environment(compose, "broker").get("JAVA_ARGS_APPEND"))
                .isEqualTo("-Dmailgrid.broker.host=0.0.0.0");
        assertThat(compose.path("services").path("broker").path("ports").toString()).contains(":" + port + "\"");
    }

    @Test
    void nodeSettingsShouldBeRealKeysAndPassTheNodesOwnValidation() {
        Properties defaults = shippedDefaults();
        for (String service : List.of("node-a", "node-b", "node-c")) {
            Map<String, String> environment = DockerFiles.environment(compose, service);
            for (String variable : environment.keySet()) {
                assertThat(defaults.stringPropertyNames().stream().map(MailgridConfig::environmentName))
                        .as(service + ": " + variable + " names a key of config/mailgrid.properties").contains(variable);
            }
            MailgridConfig config = MailgridConfig.load(TestHome.path().resolve("config/mailgrid.properties"), environment,
                    new Properties(), Map.of());
            SmtpSettings smtp = SmtpSettings.from(config); // a non-loopback bind without allowed networks would fail here
            assertThat(smtp.bindAddress().isAnyLocalAddress()).isTrue();
            assertThat(config.string(IngressSettingsCatalog.SMTP_ALLOWED_NETWORKS)).isEqualTo(
                    compose.path("networks").path("mailgrid").path("ipam").path("config").get(0).path("subnet").asText());
            assertThat(config.string(CoreSettingsCatalog.BROKER_URL)).isEqualTo("tcp://broker:" + defaults.getProperty(CoreSettingsCatalog.BROKER_PORT));
        }
        assertThat(compose.path("services").path("node-a").path("ports").toString())
                .contains(":" + defaults.getProperty(IngressSettingsCatalog.SMTP_PORT) + "\"");
    }

    @Test
    void theNodeAndOperatorUsersShouldExistOnTheBrokerWithTheRolesBrokerXmlGrantsAndTheirPasswords() throws Exception {
        Properties users = properties(docker.resolve("broker-etc/artemis-users.properties"));
        Properties roles = properties(docker.resolve("broker-etc/artemis-roles.properties"));
        String user = shippedDefaults().getProperty(CoreSettingsCatalog.BROKER_USER);
        String operator = shippedDefaults().getProperty(CoreSettingsCatalog.BROKER_OPERATOR_USER);
        String brokerXml = Files.readString(TestHome.path().resolve("broker-config/broker.xml"));

        assertThat(users.getProperty(user)).isEqualTo(DockerFiles.environment(compose, "node-a").get("MAILGRID_BROKER_PASSWORD"));
        assertThat(roles.getProperty(EmbeddedBroker.NODE_ROLE)).isEqualTo(user);
        assertThat(brokerXml).contains("roles=\"" + EmbeddedBroker.NODE_ROLE + ",amq\"");
        // the command line on the host connects through 127.0.0.1 with the shipped operator password
        assertThat(users.getProperty(operator)).isEqualTo(shippedDefaults().getProperty(CoreSettingsCatalog.BROKER_OPERATOR_PASSWORD));
        assertThat(roles.getProperty(EmbeddedBroker.OPERATOR_ROLE)).isEqualTo(operator);
        assertThat(brokerXml).contains("roles=\"" + EmbeddedBroker.OPERATOR_ROLE + ",amq\"");
        assertThat(compose.path("services").path("broker").path("ports").toString()).doesNotContain("\"61616:").contains("127.0.0.1:61616:");
        String admin = DockerFiles.environment(compose, "broker").get("ARTEMIS_USER");
        assertThat(users.getProperty(admin)).isEqualTo(DockerFiles.environment(compose, "broker").get("ARTEMIS_PASSWORD"));
        assertThat(roles.getProperty("amq")).isEqualTo(admin);
    }

    @Test
    void composeNodesShouldPassTheDevelopmentPasswordCheckForABrokerOnAnotherHost() {
        for (String service : List.of("node-a", "node-b", "node-c")) {
            MailgridConfig config = MailgridConfig.load(TestHome.path().resolve("config/mailgrid.properties"),
                    DockerFiles.environment(compose, service), new Properties(), Map.of());
            // the check a node makes before it connects: the shipped password never goes to the host "broker"
            BrokerConnection.forNode(config).close();
            assertThat(BrokerLogin.NODE.hasDevelopmentPassword(config)).as(service).isFalse();
        }
    }

    @Test
    void theNodeImageShouldRunAsANonRootUserAndCommentEveryExposedPort() throws Exception {
        List<String> lines = Files.readAllLines(docker.resolve("Dockerfile"), StandardCharsets.UTF_8);
        int lastFrom = 0;
        for (int i = 0; i < lines.size(); i++) {
            lastFrom = lines.get(i).startsWith("FROM ") ? i : lastFrom;
        }
        List<String> runStage = lines.subList(lastFrom, lines.size());
        assertThat(runStage).anyMatch(l -> l.startsWith("USER ") && !l.equals("USER root") && !l.equals("USER 0"));
        List<String> exposed = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("EXPOSE ")) {
                exposed.add(lines.get(i).substring(7).trim());
                assertThat(lines.get(i - 1)).as("comment above " + lines.get(i)).startsWith("#");
            }
        }
        assertThat(exposed).containsExactly(shippedDefaults().getProperty(IngressSettingsCatalog.SMTP_PORT));
        for (String line : lines) {
            if (line.startsWith("COPY ") && !line.contains("--from")) {
                String source = line.split("\\s+")[1];
                assertThat(TestHome.path().resolve(source)).as(line).exists();
            }
            // MAILGRID_JAVA_OPTS is the JVM options variable of ./mailgrid, not a setting
            if (line.startsWith("ENV MAILGRID_") && !line.startsWith("ENV MAILGRID_JAVA_OPTS=")) {
                String variable = line.substring(4, line.indexOf('='));
                assertThat(shippedDefaults().stringPropertyNames().stream().map(MailgridConfig::environmentName)
                        .toList()).as(line).contains(variable);
            }
        }
        assertThat(String.join("\n", lines)).contains("-jar /opt/mailgrid/mailgrid-node.jar")
                .contains("COPY --from=build /src/modules/mailgrid-node/target/mailgrid-node.jar ./")
                .contains("WORKDIR /opt/mailgrid");
    }

    @Test
    void everyServiceShouldBeRestartedWhenItExitsAsAnOutOfMemoryNodeDoes() throws Exception {
        compose.path("services").properties().forEach(service ->
                assertThat(service.getValue().path("restart").asText()).as(service.getKey() + ": restart")
                        .isIn("unless-stopped", "always", "on-failure"));
        String dockerfile = Files.readString(docker.resolve("Dockerfile"));
        String entrypoint = dockerfile.lines().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
        assertThat(entrypoint).contains("-XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void theNodeImageShouldHaveAHealthCheckOnReadyThatWorksBeforeTheHttpEndpointExists() throws Exception {
        List<String> lines = Files.readAllLines(docker.resolve("Dockerfile"), StandardCharsets.UTF_8);
        String check = lines.stream().filter(l -> l.startsWith("HEALTHCHECK ")).findFirst().orElseThrow();
        assertThat(check).contains("--start-period=").contains("CMD [\"/opt/mailgrid/healthcheck\"]");
        assertThat(lines).contains("COPY docker/healthcheck ./healthcheck");
        Path script = docker.resolve("healthcheck");
        assertThat(script).isExecutable();
        String text = Files.readString(script);
        // /health/ready on the node's HTTP port once the node serves it; the SMTP greeting until then
        assertThat(text).contains("/health/ready").contains("8025").contains("220");
        assertThat(text).contains(MailgridConfig.environmentName(IngressSettingsCatalog.SMTP_PORT))
                .contains(MailgridConfig.environmentName(IngressSettingsCatalog.SMTP_BIND_ADDRESS));
    }

    @Test
    void composeNodesShouldScanWithTheClamdServiceOnTheHostsSignatureDatabase() {
        JsonNode clamd = compose.path("services").path("clamd");
        Map<String, String> environment = DockerFiles.environment(compose, "clamd");
        assertThat(environment).containsEntry("CLAMAV_NO_FRESHCLAMD", "true"); // the host's freshclam keeps it current
        String database = environment.get("CLAMD_CONF_DatabaseDirectory");
        assertThat(clamd.path("volumes").toString()).contains(CLAMAV_DB_ON_HOST + ":" + database + ":ro");
        int port = Integer.parseInt(environment.get("CLAMD_CONF_TCPSocket"));
        for (String service : List.of("node-a", "node-b", "node-c")) {
            MailgridConfig config = MailgridConfig.load(TestHome.path().resolve("config/mailgrid.properties"),
                    DockerFiles.environment(compose, service), new Properties(), Map.of());
            ClamdAddress address = ClamdAddress.parse(config.string(ClamdSettings.ADDRESS));
            assertThat(address.toString()).as(service).isEqualTo("tcp:clamd:" + port);
            assertThat(compose.path("services").path(service).path("depends_on").toString()).contains("clamd");
        }
        // clamd stops reading a stream above its StreamMaxLength: the nodes' limit must be the same
        MailgridConfig node = MailgridConfig.load(TestHome.path().resolve("config/mailgrid.properties"),
                DockerFiles.environment(compose, "node-a"), new Properties(), Map.of());
        assertThat(clamdBytes(environment.get("CLAMD_CONF_StreamMaxLength")))
                .isEqualTo(node.bytes(ClamdSettings.STREAM_MAX_LENGTH));
    }

    /** A clamd.conf size: a number, optionally with K or M (binary units). */
    private static long clamdBytes(String value) {
        java.util.regex.Matcher size = java.util.regex.Pattern.compile("(\\d+)([KkMm]?)").matcher(value);
        assertThat(size.matches()).as("clamd size " + value).isTrue();
        long number = Long.parseLong(size.group(1));
        return switch (size.group(2).toUpperCase()) {
            case "K" -> number << 10;
            case "M" -> number << 20;
            default -> number;
        };
    }

    private static Properties shippedDefaults() {
        return properties(TestHome.path().resolve("config/mailgrid.properties"));
    }

    private static Properties properties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }
}
