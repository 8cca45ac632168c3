package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.apache.activemq.artemis.api.core.TransportConfiguration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * The connection factories nodes and commands get: the shipped development password never goes
 * to a broker on another machine, and TLS settings reach every connector of the URL.
 */
class BrokerConnectionTest {

    /** A broker on another machine (TEST-NET-1, RFC 5737: never a real host, no DNS lookup). */
    private static final String REMOTE = "tcp://192.0.2.10:61616";

    @Test
    void aNodeShouldRefuseToSendTheDevelopmentPasswordToABrokerOnAnotherMachine() {
        MailgridConfig config = shipped(Map.of(CoreSettingsCatalog.BROKER_URL, REMOTE));

        assertThatThrownBy(() -> BrokerConnection.forNode(config).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(CoreSettingsCatalog.BROKER_PASSWORD)
                .hasMessageContaining("192.0.2.10");
        assertThatThrownBy(() -> BrokerConnection.forCommand(config).close()).isInstanceOf(ConfigException.class);
    }

    @Test
    void oneRemoteBrokerOfAnHaPairShouldBeEnoughToRefuseTheDevelopmentPassword() {
        MailgridConfig config = shipped(Map.of(CoreSettingsCatalog.BROKER_URL,
                "(tcp://127.0.0.1:61616,tcp://192.0.2.11:61616)?ha=true&reconnectAttempts=-1"));

        assertThatThrownBy(() -> BrokerConnection.forNode(config).close())
                .isInstanceOf(ConfigException.class).hasMessageContaining("192.0.2.11");
    }

    @Test
    void theDevelopmentPasswordShouldStillWorkOnLoopbackAndARealPasswordAnywhere() {
        for (String url : new String[] {"tcp://127.0.0.1:61616", "tcp://localhost:61616", "tcp://[::1]:61616"}) {
            BrokerConnection.forNode(shipped(Map.of(CoreSettingsCatalog.BROKER_URL, url))).close();
        }
        BrokerConnection.forNode(shipped(Map.of())).close(); // the embedded broker's address
        BrokerConnection.forNode(shipped(Map.of(CoreSettingsCatalog.BROKER_URL, REMOTE,
                CoreSettingsCatalog.BROKER_PASSWORD, "a-password-of-our-own"))).close();
    }

    @Test
    void tlsSettingsShouldReachEveryConnectorOfTheUrl() {
        MailgridConfig config = shipped(Map.of(CoreSettingsCatalog.BROKER_URL,
                "(tcp://127.0.0.1:61616,tcp://127.0.0.1:61617)?ha=true",
                "mailgrid.broker.tls.enabled", "true",
                "mailgrid.broker.tls.trust-store", "/etc/mailgrid/trust.p12",
                "mailgrid.broker.tls.trust-store-password", "trust-secret"));

        try (ActiveMQConnectionFactory factory = BrokerConnection.forNode(config)) {
            TransportConfiguration[] connectors = factory.getStaticConnectors();
            assertThat(connectors).hasSize(2);
            for (TransportConfiguration connector : connectors) {
                assertThat(connector.getParams()).containsEntry("sslEnabled", "true")
                        .containsEntry("trustStorePath", "/etc/mailgrid/trust.p12")
                        .containsEntry("trustStorePassword", "trust-secret");
            }
        }
        assertThat(BrokerConnection.url(config)).as("the URL shown to people carries no password").doesNotContain("trust-secret");
    }

    @Test
    void theShippedPasswordsShouldBeTheOnesRecognisedAsDevelopmentPasswords() {
        MailgridConfig shipped = shipped(Map.of());
        for (BrokerLogin login : BrokerLogin.values()) {
            assertThat(login.hasDevelopmentPassword(shipped)).as(login.passwordKey()).isTrue();
        }
        assertThat(BrokerLogin.NODE.user(shipped)).isNotEqualTo(BrokerLogin.OPERATOR.user(shipped));
    }

    /** The shipped config/mailgrid.properties with some keys changed; this machine's environment ignored. */
    private static MailgridConfig shipped(Map<String, String> overrides) {
        Path home = Path.of(System.getProperty("mailgrid.home", "../.."));
        return MailgridConfig.load(home.resolve("config/mailgrid.properties"), Map.of(), new Properties(), overrides);
    }
}
