package io.mailgrid.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.QueueBrowser;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.BrokerLogin;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.ManagementProbe;
import io.mailgrid.testing.TestHome;

/**
 * The roles of the shipped broker.xml, tried against a real embedded broker the way a stolen
 * login would be used: a node's login must not administer the broker, forge operator commands or
 * read the quarantine; the operator's login (the command line) must read status and handle the
 * quarantine but not administer the broker or take mail out of a mailbox.
 */
class BrokerRolesTest {

    @TempDir
    static Path dir;
    static MailgridConfig config;
    static EmbeddedBroker broker;
    static String url;

    @BeforeAll
    static void startBroker() {
        int port = TestHome.freePort();
        config = TestHome.config("a", dir, port, Map.of());
        broker = EmbeddedBroker.start(config, dir.resolve("broker"));
        url = "tcp://127.0.0.1:" + port + "?initialConnectAttempts=1&reconnectAttempts=0&consumerWindowSize=0";
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void aNodeLoginShouldNotAdministerTheBroker() throws Exception {
        try (ActiveMQConnectionFactory node = node(); JMSContext context = node.createContext()) {
            context.createProducer().send(context.createQueue(Queues.QUARANTINE), "evidence");
        }
        long quarantined = broker.server().locateQueue(Queues.QUARANTINE).getMessageCount();
        String intruder = "intruder-" + UUID.randomUUID();

        assertThat(managementCall(node(), "queue." + Queues.QUARANTINE, "removeAllMessages")).as("purge the quarantine").isFalse();
        assertThat(managementCall(node(), "broker", "destroyQueue", Queues.DLQ)).as("delete the dead-letter queue").isFalse();
        assertThat(managementCall(node(), "broker", "addUser", intruder, "secret", "amq", true)).as("add an administrator").isFalse();
        assertThat(managementCall(node(), "broker", "listConsumers", "", 1, 100)).as("read who consumes where").isFalse();
        assertThat(managementCall(node(), "queue." + Queues.QUARANTINE, "getDeliveringCount")).as("read reservations").isFalse();

        assertThat(broker.server().locateQueue(Queues.QUARANTINE).getMessageCount()).isEqualTo(quarantined);
        assertThat(broker.server().locateQueue(Queues.DLQ)).isNotNull();
        assertThat(canLogIn(intruder, "secret")).as("the user it tried to add can log in").isFalse();
    }

    @Test
    void aNodeLoginShouldReadTheRedeliveryOfItsMailboxButNotChangeIt() throws Exception {
        assertThat(managementCall(node(), "broker", "getAddressSettingsAsJSON", Queues.mailbox("a")))
                .as("read the address settings the broker applies").isTrue();
        // TestHome's properties (3 attempts, 100 ms) reach broker.xml's placeholders, and come back from the broker
        assertThat(BrokerRedelivery.read(config, Queues.mailbox("a"))).isEqualTo(new BrokerRedelivery(3, Duration.ofMillis(100)));
        assertThat(managementCall(node(), "broker", "addAddressSettings", Queues.mailbox("a"), "{\"maxDeliveryAttempts\":-1}"))
                .as("make its mailbox redeliver for ever").isFalse();
        assertThat(BrokerRedelivery.read(config, Queues.mailbox("a")).maxAttempts()).isEqualTo(3);
    }

    @Test
    void aNodeLoginShouldNotForgeOperatorCommandsNorReadTheQuarantineOrTheDeadLetters() {
        try (ActiveMQConnectionFactory node = node(); JMSContext context = node.createContext()) {
            TextMessage command = context.createTextMessage("{\"maintenance\":true}");
            command.setStringProperty(MailProperty.NODE, "b");
            assertThatThrownBy(() -> context.createProducer().send(context.createQueue(Queues.CONTROL), command))
                    .as("maintenance for node b, sent with a node's login").isInstanceOf(JMSSecurityRuntimeException.class);
            for (String queue : new String[] {Queues.QUARANTINE, Queues.DLQ}) {
                assertThatThrownBy(() -> context.createBrowser(context.createQueue(queue)).getEnumeration())
                        .as("browse " + queue).hasRootCauseInstanceOf(org.apache.activemq.artemis.api.core.ActiveMQSecurityException.class);
                assertThatThrownBy(() -> context.createConsumer(context.createQueue(queue)))
                        .as("consume " + queue).isInstanceOf(JMSSecurityRuntimeException.class);
            }
        } catch (jakarta.jms.JMSException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aNodeLoginShouldStillDoEverythingANodeDoes() throws Exception {
        try (ActiveMQConnectionFactory node = node(); JMSContext context = node.createContext()) {
            // ingress publishes; a grabber takes the mail and publishes the result, a delivery takes that
            for (String queue : new String[] {Queues.mailbox("roles-n"), Queues.outbound("roles-n")}) {
                context.createProducer().send(context.createQueue(queue), "mail");
                try (JMSConsumer consumer = context.createConsumer(context.createQueue(queue))) {
                    assertThat(consumer.receive(5000)).as("taken from " + queue).isNotNull();
                }
            }
            context.createProducer().send(context.createQueue(Queues.QUARANTINE), "quarantined");
            context.createProducer().send(context.createQueue(Queues.DLQ), "dead letter");
            // heartbeats: a subscription of its own, the broker's status queue (named by the broker's node id, created
            // by the first node) for late joiners, its own control queue entry
            assertThat(managementCall(node(), "broker", "getNodeID")).as("the broker's node id").isTrue();
            String statusQueue = statusQueueCreatedBy(context);
            try (JMSConsumer beats = context.createConsumer(context.createTopic(Queues.HEARTBEAT))) {
                TextMessage beat = context.createTextMessage("{}");
                beat.setStringProperty(MailProperty.NODE, "roles-n");
                context.createProducer().send(context.createTopic(Queues.HEARTBEAT), beat);
                context.createProducer().send(context.createTopic(Queues.STATUS), beat);
                assertThat(beats.receive(5000)).isNotNull();
            }
            try (QueueBrowser status = context.createBrowser(context.createQueue(Queues.STATUS + "::" + statusQueue))) {
                assertThat(status.getEnumeration().hasMoreElements()).isTrue();
            }
            context.createConsumer(context.createQueue(Queues.CONTROL), MailProperty.NODE + " = 'roles-n'").close();
        }
    }

    @Test
    void theOperatorLoginShouldReadWhatStatusShowsButNotAddABrokerUser() throws Exception {
        assertThat(managementCall(operator(), "broker", "getQueueNames")).as("queue names").isTrue();
        assertThat(managementCall(operator(), "queue." + Queues.DLQ, "getMessageCount")).as("a queue's depth").isTrue();
        assertThat(managementCall(operator(), "broker", "listConsumers", "", 1, 100)).as("consumers").isTrue();
        assertThat(managementCall(operator(), "queue." + Queues.DLQ, "listDeliveringMessagesAsJSON")).as("reservations").isTrue();

        String intruder = "intruder-" + UUID.randomUUID();
        assertThat(managementCall(operator(), "broker", "addUser", intruder, "secret", "amq", true)).isFalse();
        assertThat(managementCall(operator(), "queue." + Queues.DLQ, "removeAllMessages")).as("purge by management").isFalse();
        assertThat(canLogIn(intruder, "secret")).isFalse();
    }

    @Test
    void theOperatorLoginShouldHandleTheQuarantineAndSendCommandsButNotTakeMailFromAMailbox() throws Exception {
        try (ActiveMQConnectionFactory node = node(); JMSContext context = node.createContext()) {
            context.createProducer().send(context.createQueue(Queues.QUARANTINE), "quarantined");
            context.createProducer().send(context.createQueue(Queues.mailbox("roles-o")), "waiting");
        }
        try (ActiveMQConnectionFactory operator = operator(); JMSContext context = operator.createContext(JMSContext.SESSION_TRANSACTED)) {
            // quarantine release: take it and publish it for delivery in one transaction
            try (JMSConsumer quarantine = context.createConsumer(context.createQueue(Queues.QUARANTINE))) {
                Message mail = quarantine.receive(5000);
                assertThat(mail).isNotNull();
                context.createProducer().send(context.createQueue(Queues.outbound("roles-o")), mail);
                context.commit();
            }
            TextMessage command = context.createTextMessage("{\"maintenance\":false}");
            command.setStringProperty(MailProperty.NODE, "roles-o");
            context.createProducer().send(context.createQueue(Queues.CONTROL), command);
            context.createProducer().send(context.createQueue(Queues.mailbox("roles-o")), "submitted");
            context.commit();
            assertThat(managementCall(operator(), "broker", "getNodeID")).as("the broker's node id").isTrue();
            try (ActiveMQConnectionFactory node = node(); JMSContext byNode = node.createContext()) {
                String statusQueue = statusQueueCreatedBy(byNode);
                try (QueueBrowser status = context.createBrowser(context.createQueue(Queues.STATUS + "::" + statusQueue))) {
                    status.getEnumeration();
                }
            }
            assertThatThrownBy(() -> context.createConsumer(context.createQueue(Queues.mailbox("roles-o"))))
                    .as("take mail from a mailbox").isInstanceOf(JMSSecurityRuntimeException.class);
        }
    }

    private static ActiveMQConnectionFactory node() {
        return new ActiveMQConnectionFactory(url, BrokerLogin.NODE.user(config), BrokerLogin.NODE.password(config));
    }

    /** The broker's status queue, created with this context's login as the first node on a broker creates it. */
    private static String statusQueueCreatedBy(JMSContext context) throws Exception {
        String name = Queues.statusQueue(broker.server().getNodeID().toString());
        var core = ((org.apache.activemq.artemis.jms.client.ActiveMQSession)
                ((org.apache.activemq.artemis.jms.client.ActiveMQJMSContext) context).getSession()).getCoreSession();
        if (!core.queueQuery(org.apache.activemq.artemis.api.core.SimpleString.of(name)).isExists()) {
            core.createQueue(org.apache.activemq.artemis.api.core.QueueConfiguration.of(name).setAddress(Queues.STATUS)
                    .setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.MULTICAST)
                    .setLastValueKey(MailProperty.NODE).setNonDestructive(true));
        }
        return name;
    }

    private static ActiveMQConnectionFactory operator() {
        return new ActiveMQConnectionFactory(url, BrokerLogin.OPERATOR.user(config), BrokerLogin.OPERATOR.password(config));
    }

    private static boolean canLogIn(String user, String password) {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url, user, password);
                JMSContext context = factory.createContext()) {
            return true;
        } catch (JMSSecurityRuntimeException e) {
            return false;
        }
    }

    /** One management request with the factory's login; true if the broker did it. */
    private static boolean managementCall(ActiveMQConnectionFactory login, String resource, String operation, Object... parameters)
            throws Exception {
        try (login) {
            return ManagementProbe.allowed(url, login.getUser(), login.getPassword(), resource, operation, parameters);
        }
    }
}
