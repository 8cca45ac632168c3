package io.mailgrid.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSSecurityRuntimeException;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.TestHome;

/** The shipped broker.xml: names agree with the Java side, it boots, refuses strangers, fails loudly. */
class BrokerConfigTest {

    @TempDir
    Path dir;

    @Test
    void brokerXmlShouldDeclareTheAddressesJavaUses() throws Exception {
        Document xml = DocumentBuilderFactory.newDefaultInstance().newDocumentBuilder()
                .parse(TestHome.path().resolve("broker-config/broker.xml").toFile());
        List<String> addresses = attributeValues(xml, "address", "name");
        List<String> settings = attributeValues(xml, "address-setting", "match");

        assertThat(addresses).contains(Queues.QUARANTINE, Queues.QUARANTINE_RELEASING, Queues.DLQ, Queues.HEARTBEAT,
                Queues.STATUS, Queues.CONTROL, Queues.RESEND_KEYS);
        assertThat(settings).contains(Queues.QUARANTINE_RELEASING, Queues.RESEND_KEYS);
        assertThat(settings).contains(Queues.PREFIX + "#", Queues.PREFIX + "mailbox.#", Queues.PREFIX + "outbound.#");
        assertThat(Queues.mailbox("x")).startsWith(Queues.PREFIX + "mailbox.");
        assertThat(Queues.outbound("x")).startsWith(Queues.PREFIX + "outbound.");
    }

    @Test
    void theEmbeddedBrokerShouldRefuseAnonymousAndWrongPasswords() throws Exception {
        int port = TestHome.freePort();
        MailgridConfig config = TestHome.config("a", dir, port, Map.of());
        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"))) {
            String url = "tcp://127.0.0.1:" + port + "?initialConnectAttempts=1&reconnectAttempts=0";
            try (ActiveMQConnectionFactory anonymous = new ActiveMQConnectionFactory(url)) {
                assertThatThrownBy(() -> anonymous.createContext().close()).isInstanceOf(JMSSecurityRuntimeException.class);
            }
            try (ActiveMQConnectionFactory wrong = new ActiveMQConnectionFactory(url, "mailgrid", "guess")) {
                assertThatThrownBy(() -> wrong.createContext().close()).isInstanceOf(JMSSecurityRuntimeException.class);
            }
            try (ActiveMQConnectionFactory node = new ActiveMQConnectionFactory(url,
                    config.string(CoreSettingsCatalog.BROKER_USER), config.string(CoreSettingsCatalog.BROKER_PASSWORD));
                    JMSContext context = node.createContext()) {
                context.createProducer().send(context.createQueue(Queues.mailbox("a")), "hello");
            }
        }
    }

    @Test
    void theEmbeddedBrokerShouldRefuseToListenBeyondLoopbackWithADevelopmentPassword() {
        MailgridConfig everyInterface = TestHome.config("a", dir, TestHome.freePort(), Map.of(CoreSettingsCatalog.BROKER_HOST, "0.0.0.0"));

        assertThatThrownBy(() -> EmbeddedBroker.start(everyInterface, dir.resolve("broker")).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(CoreSettingsCatalog.BROKER_PASSWORD)
                .hasMessageContaining("0.0.0.0");
        // the node's own password is not enough: the operator's login is a way in too
        assertThatThrownBy(() -> EmbeddedBroker.start(everyInterface.with(CoreSettingsCatalog.BROKER_PASSWORD, "node-secret"),
                dir.resolve("broker")).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(CoreSettingsCatalog.BROKER_OPERATOR_PASSWORD);
    }

    @Test
    void withPasswordsOfItsOwnTheEmbeddedBrokerShouldListenBeyondLoopback() {
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(), Map.of(CoreSettingsCatalog.BROKER_HOST, "0.0.0.0",
                CoreSettingsCatalog.BROKER_PASSWORD, "node-secret", CoreSettingsCatalog.BROKER_OPERATOR_PASSWORD, "operator-secret"));

        EmbeddedBroker.start(config, dir.resolve("broker")).close();
    }

    @Test
    void tlsWithoutAKeyStoreShouldStopTheStartNamingTheKey() {
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(), Map.of(CoreSettingsCatalog.BROKER_TLS_ENABLED, "true"));

        assertThatThrownBy(() -> EmbeddedBroker.start(config, dir.resolve("broker")).close())
                .isInstanceOf(ConfigException.class).hasMessageContaining(BrokerSettingsCatalog.BROKER_TLS_KEY_STORE);
        assertThatThrownBy(() -> EmbeddedBroker.start(config.with(BrokerSettingsCatalog.BROKER_TLS_KEY_STORE, dir.resolve("nope.p12").toString()),
                dir.resolve("broker")).close())
                .isInstanceOf(ConfigException.class).hasMessageContaining("nope.p12");
    }

    @Test
    void aTakenPortShouldFailTheStartWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            MailgridConfig config = TestHome.config("a", dir, taken.getLocalPort(), Map.of());

            assertThatThrownBy(() -> EmbeddedBroker.start(config, dir.resolve("broker")))
                    .isInstanceOf(BrokerStartException.class)
                    .hasMessageContaining("could not open its acceptor")
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    void theJournalShouldLiveInTheGivenDirectory() {
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(), Map.of());
        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("journal-here"))) {
            assertThat(Files.isDirectory(dir.resolve("journal-here/journal"))).isTrue();
            assertThat(Files.isDirectory(dir.resolve("journal-here/bindings"))).isTrue();
        }
    }

    private static List<String> attributeValues(Document xml, String element, String attribute) {
        NodeList nodes = xml.getElementsByTagName(element);
        List<String> values = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            values.add(((Element) nodes.item(i)).getAttribute(attribute));
        }
        return values;
    }
}
