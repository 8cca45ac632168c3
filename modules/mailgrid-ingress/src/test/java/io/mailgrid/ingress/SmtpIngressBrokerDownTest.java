package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.jms.ConnectionFactory;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.MemoryBudget;
import io.mailgrid.core.SendDeadline;
import io.mailgrid.testing.LogCapture;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The broker is down or cannot be reached: a sending MTA must hear {@code 451 4.3.0} saying the mail
 * system is unavailable (RFC 3463 X.3.0), not {@code 452 4.3.1 Mail system full}, within the send
 * timeout, and the log must say the broker is unreachable, not that its disk is most likely full. The
 * pickup folder keeps its file and its exception says the same. Cases: the node's own SMTP connection
 * (gives up quickly), an HA-style URL that reconnects forever (the send waits in Artemis's failover,
 * where before it was answered 452), a node connection that never stops trying to connect (the pickup
 * folder's), nothing listening at the address, and something listening that never answers.
 */
class SmtpIngressBrokerDownTest {

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    @TempDir
    Path pickup;

    @Test
    void aBrokerStoppedUnderTheNodesSmtpConnectionShouldBeAnswered451MailSystemUnavailableAndLoggedAsUnreachable()
            throws Exception {
        stoppedBrokerShouldBeAnswered451(Map.of());
    }

    @Test
    void aBrokerStoppedUnderAConnectionThatReconnectsForeverShouldBeAnswered451NotMailSystemFull() throws Exception {
        // the form the properties file gives for an HA pair: the client waits in its failover for a broker that is gone
        stoppedBrokerShouldBeAnswered451(Map.of("reconnectAttempts", "-1"));
    }

    @Test
    void aBrokerNeverReachableShouldBeAnswered451AndThePickupFileKeptWithTheCauseNamed() throws Exception {
        int nothingListens = TestHome.freePort();
        MailgridConfig config = config(nothingListens, "");
        // the node's SMTP connection gives up after three tries; the pickup folder's node connection never does
        try (ActiveMQConnectionFactory smtpFactory = BrokerConnection.forCommand(config);
                ActiveMQConnectionFactory nodeFactory = BrokerConnection.forNode(config)) {
            expect451(config, smtpFactory, nodeFactory);
        }
    }

    @Test
    void aBrokerAddressWhereSomethingListensButNeverAnswersShouldBeAnswered451() throws Exception {
        // a hung broker, or another service at the configured port: TCP connects, the broker protocol never answers
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            MailgridConfig config = config(silent.getLocalPort(), "");
            try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config)) {
                expect451(config, factory, factory);
            }
        }
    }

    private void stoppedBrokerShouldBeAnswered451(Map<String, String> urlParameters) throws Exception {
        int brokerPort = TestHome.freePort();
        StringBuilder query = new StringBuilder();
        urlParameters.forEach((name, value) -> query.append(query.length() == 0 ? '?' : '&').append(name).append('=').append(value));
        MailgridConfig config = config(brokerPort, query.toString());
        EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"));
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config);
                MailPublisher publisher = new MailPublisher(factory, null, SendDeadline.timeout(config));
                SmtpIngress ingress = new SmtpIngress(SmtpSettings.from(config), publisher, new MemoryBudget(64 << 20), "a",
                        Clock.systemUTC(), Duration.ofSeconds(5));
                LogCapture log = LogCapture.of("io.mailgrid.ingress")) {
            ingress.start();
            try (SmtpConversation smtp = SmtpConversation.open(port(config)).readTimeout(Duration.ofSeconds(30))) {
                smtp.send("EHLO client");
                smtp.send("MAIL FROM:<alice@example.com>");
                smtp.send("RCPT TO:<bob@example.com>");
                assertThat(smtp.data(TestMail.to("bob@example.com").bytes())).as("a warm-up mail: its connection is pooled")
                        .startsWith("250");
                broker.close();
                smtp.send("MAIL FROM:<alice@example.com>");
                smtp.send("RCPT TO:<bob@example.com>");
                long start = System.nanoTime();
                String reply = smtp.data(TestMail.to("bob@example.com").subject("broker gone").bytes());
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("broker stopped (%s): DATA answered after %d ms: %s%n", urlParameters, millis, reply);
                assertThat(reply).as("down, not full: try again later").startsWith("451 4.3.0").containsIgnoringCase("unavailable");
                assertThat(millis).as("within the send timeout and a little").isLessThan(SEND_TIMEOUT.toMillis() + 8_000);
                assertThat(smtp.send("NOOP")).as("the session goes on").startsWith("250");
            }
            assertLoggedAsUnreachable(log);
            assertPickupKeptAsUnreachable(publisher);
        } finally {
            broker.close();
        }
    }

    private void expect451(MailgridConfig config, ActiveMQConnectionFactory smtpFactory, ConnectionFactory pickupFactory)
            throws Exception {
        try (MailPublisher publisher = new MailPublisher(smtpFactory, null, SendDeadline.timeout(config));
                MailPublisher pickupPublisher = new MailPublisher(pickupFactory, null, SendDeadline.timeout(config));
                SmtpIngress ingress = new SmtpIngress(SmtpSettings.from(config), publisher, new MemoryBudget(64 << 20), "a",
                        Clock.systemUTC(), Duration.ofSeconds(5));
                LogCapture log = LogCapture.of("io.mailgrid.ingress")) {
            ingress.start();
            try (SmtpConversation smtp = SmtpConversation.open(port(config)).readTimeout(Duration.ofSeconds(30))) {
                smtp.send("EHLO client");
                smtp.send("MAIL FROM:<alice@example.com>");
                smtp.send("RCPT TO:<bob@example.com>");
                long start = System.nanoTime();
                String reply = smtp.data(TestMail.to("bob@example.com").bytes());
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("broker not reachable at %s: DATA answered after %d ms: %s%n", BrokerConnection.url(config),
                        millis, reply);
                assertThat(reply).startsWith("451 4.3.0").containsIgnoringCase("unavailable");
                assertThat(millis).isLessThan(SEND_TIMEOUT.toMillis() + 8_000);
            }
            assertLoggedAsUnreachable(log);
            assertPickupKeptAsUnreachable(pickupPublisher);
        }
    }

    private void assertLoggedAsUnreachable(LogCapture log) {
        assertThat(log.mentioning("told to retry")).as("one line for the deferred mail").hasSize(1)
                .allSatisfy(line -> assertThat(line.message()).contains("cannot be reached").doesNotContain("disk is full"));
    }

    private void assertPickupKeptAsUnreachable(MailPublisher publisher) throws Exception {
        Files.writeString(pickup.resolve("alert.eml"), "To: ops@example.com\r\nSubject: alert\r\n\r\nHi\r\n");
        PickupIngress folder = new PickupIngress(publisher, "a", pickup, new PickupSettings(1 << 20, Duration.ZERO),
                Clock.systemUTC());
        PickupIngress.Claim claim = folder.claim().get(0);
        long start = System.nanoTime();
        assertThatThrownBy(() -> folder.publish(claim)).isInstanceOf(PublishException.class)
                .isNotInstanceOf(PublishHeldBackException.class)
                .hasMessageContaining("cannot be reached").hasMessageNotContaining("disk is full");
        System.out.printf("pickup: given up after %d ms%n", (System.nanoTime() - start) / 1_000_000);
        assertThat(claim.file()).as("kept for the next poll").exists();
    }

    private MailgridConfig config(int brokerPort, String urlQuery) {
        Map<String, String> settings = new HashMap<>();
        settings.put(IngressSettingsCatalog.SMTP_PORT, String.valueOf(TestHome.freePort()));
        settings.put(CoreSettingsCatalog.BROKER_SEND_TIMEOUT, SEND_TIMEOUT.toSeconds() + "s");
        if (!urlQuery.isEmpty()) {
            settings.put(CoreSettingsCatalog.BROKER_URL, "tcp://127.0.0.1:" + brokerPort + urlQuery);
        }
        return TestHome.config("a", dir, brokerPort, settings);
    }

    private static int port(MailgridConfig config) {
        return Integer.parseInt(config.string(IngressSettingsCatalog.SMTP_PORT));
    }
}
