package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.UUID;

import jakarta.jms.JMSContext;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.BrokerLogin;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.ManagementProbe;
import io.mailgrid.testing.TestHome;

/**
 * The logins against the official Artemis distribution with Mailgrid's configuration merged in,
 * set up as the README says. This is where a node's login could add an administrator before (the
 * embedded broker has no user management to abuse): now only the administrator can, with
 * {@code artemis user add} as before the merge; the command line works with the operator's login.
 */
class BrokerSecurityIT {

    @TempDir
    Path dir;

    @Test
    void onTheDistributionOnlyTheAdministratorShouldAdministerAndTheCommandLineShouldWorkWithTheOperatorsLogin()
            throws Exception {
        int port = TestHome.freePort();
        try (Cluster cluster = new Cluster(dir, "broker-security", "tcp://127.0.0.1:" + port)) {
            ArtemisInstance broker = cluster.artemis("secured", port);
            broker.mergeMailgridConfig(false);
            broker.start();
            // the administrator's own tool still works under per-operation management checks
            broker.addMailgridUsers(cluster.clientConfig);
            MailgridConfig config = cluster.clientConfig;
            String node = BrokerLogin.NODE.user(config);
            String nodePassword = BrokerLogin.NODE.password(config);
            String operator = BrokerLogin.OPERATOR.user(config);
            String operatorPassword = BrokerLogin.OPERATOR.password(config);

            String intruder = "intruder-" + UUID.randomUUID();
            assertThat(ManagementProbe.allowed(broker.url(), node, nodePassword, "broker", "addUser", intruder, "secret", "amq", true))
                    .as("a node's login adds an administrator").isFalse();
            assertThat(ManagementProbe.allowed(broker.url(), operator, operatorPassword, "broker", "addUser", intruder, "secret",
                    "amq", true)).as("the operator's login adds an administrator").isFalse();
            assertThat(ManagementProbe.allowed(broker.url(), ArtemisInstance.ADMIN, ArtemisInstance.ADMIN_PASSWORD, "broker",
                    "listUser", intruder)).as("the administrator reads users").isTrue();
            assertThat(canLogIn(broker.url(), intruder)).as("the intruder can log in").isFalse();

            try (ActiveMQConnectionFactory login = new ActiveMQConnectionFactory(broker.url(), node, nodePassword);
                    JMSContext context = login.createContext()) {
                TextMessage command = context.createTextMessage("{\"maintenance\":true}");
                command.setStringProperty(MailProperty.NODE, "a");
                assertThatThrownBy(() -> context.createProducer().send(context.createQueue(Queues.CONTROL), command))
                        .as("a maintenance command sent with a node's login").isInstanceOf(JMSSecurityRuntimeException.class);
            }

            assertThat(cluster.command("status")).as("./mailgrid status with the operator's login").isZero();
            assertThat(cluster.command("quarantine", "list")).isZero();
            assertThat(cluster.command("maintenance", "a", "on", "--wait", "0")).isZero();
        }
    }

    private static boolean canLogIn(String url, String user) {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url + "?initialConnectAttempts=1", user, "secret");
                JMSContext context = factory.createContext()) {
            return true;
        } catch (JMSSecurityRuntimeException e) {
            return false;
        }
    }
}
