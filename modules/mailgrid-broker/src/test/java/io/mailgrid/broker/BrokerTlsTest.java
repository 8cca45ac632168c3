package io.mailgrid.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.TestCertificates;
import io.mailgrid.testing.TestHome;

/**
 * TLS on the embedded broker's acceptor and on the nodes' connections, with a key pair the test
 * generates: someone on the network who speaks plain CORE, or a client that does not trust the
 * broker's certificate, gets nowhere; a node with the trust store works as before.
 */
class BrokerTlsTest {

    @TempDir
    static Path dir;
    static TestCertificates certificates;
    static MailgridConfig config;
    static EmbeddedBroker broker;
    static int port;

    @BeforeAll
    static void startBrokerWithTls() {
        certificates = TestCertificates.generate(dir);
        port = TestHome.freePort();
        config = TestHome.config("a", dir, port, Map.of(
                "mailgrid.broker.tls.enabled", "true",
                "mailgrid.broker.tls.key-store", certificates.keyStore().toString(),
                "mailgrid.broker.tls.key-store-password", certificates.password(),
                "mailgrid.broker.tls.trust-store", certificates.trustStore().toString(),
                "mailgrid.broker.tls.trust-store-password", certificates.password()));
        broker = EmbeddedBroker.start(config, dir.resolve("broker"));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void aPlainConnectionShouldBeRefusedEvenWithTheRightPassword() {
        try (ActiveMQConnectionFactory plain = new ActiveMQConnectionFactory(
                "tcp://127.0.0.1:" + port + "?initialConnectAttempts=1&reconnectAttempts=0&callTimeout=2000",
                config.string(CoreSettingsCatalog.BROKER_USER), config.string(CoreSettingsCatalog.BROKER_PASSWORD))) {
            assertThatThrownBy(() -> plain.createContext().close()).isInstanceOf(JMSRuntimeException.class);
        }
    }

    @Test
    void aNodeThatTrustsTheBrokersCertificateShouldPublishAndReceiveOverTls() {
        try (ActiveMQConnectionFactory node = BrokerConnection.forCommand(config); JMSContext context = node.createContext()) {
            context.createProducer().send(context.createQueue(Queues.mailbox("tls")), "over TLS");
            try (JMSConsumer consumer = context.createConsumer(context.createQueue(Queues.mailbox("tls")))) {
                assertThat(consumer.receiveBody(String.class, 5000)).isEqualTo("over TLS");
            }
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateShouldNotConnect() {
        // TLS with the JVM's default trust store (public CAs): the self-signed broker is a stranger
        try (ActiveMQConnectionFactory stranger = new ActiveMQConnectionFactory(
                "tcp://127.0.0.1:" + port + "?sslEnabled=true&initialConnectAttempts=1&reconnectAttempts=0&callTimeout=2000",
                config.string(CoreSettingsCatalog.BROKER_USER), config.string(CoreSettingsCatalog.BROKER_PASSWORD))) {
            assertThatThrownBy(() -> stranger.createContext().close()).isInstanceOf(JMSRuntimeException.class);
        }
    }
}
