package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.cluster.Heartbeat;
import io.mailgrid.cluster.HeartbeatChannel;
import io.mailgrid.cluster.NodeState;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.node.runtime.QuarantineTestSupport;
import io.mailgrid.node.runtime.TestNode;
import io.mailgrid.testing.Bounded;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * An operator runs the command line (maintenance, quarantine release, submit, forget) against a
 * broker whose disk is full: Artemis holds back new
 * messages, and every send of a command would wait for room without end. Each command that sends
 * must end within {@code mailgrid.broker.send-timeout}, exit 1, and say why and what to do; nothing
 * it tried to send is stored.
 */
class CommandsOnAFullBrokerDiskTest {

    @TempDir
    Path dir;

    @Test
    void commandsThatSendShouldExit1SayingTheBrokersDiskIsFullInsteadOfHanging() throws Exception {
        int port = TestHome.freePort();
        MailgridConfig roomy = TestHome.config("a", dir, port, Map.of(BrokerSettingsCatalog.MIN_DISK_FREE, "1MB"));
        // more than any disk here has free: the broker counts its disk as full from its first scan
        MailgridConfig full = TestHome.config("a", dir, port, Map.of(BrokerSettingsCatalog.MIN_DISK_FREE, "1000000GB"));
        String quarantined;
        try (EmbeddedBroker broker = EmbeddedBroker.start(roomy, dir.resolve("broker"))) {
            quarantined = QuarantineTestSupport.quarantineAsAGrabberDoes(roomy, 1).get(0);
            try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(roomy);
                    HeartbeatChannel heartbeats = new HeartbeatChannel(factory)) {
                // a node b that ran once and is gone: DOWN, with empty queues, so forget goes as far as its send
                heartbeats.publish(new Heartbeat("b", "worker", NodeState.UP, null, 1, 1000, System.currentTimeMillis() - 60_000,
                        0, 4, 0, Map.of("pass-all", true), "hash", "maildir:/x"));
            }
        }
        Path eml = Files.write(dir.resolve("alert.eml"), TestMail.to("ops@example.com").bytes());
        String url = BrokerConnection.url(full);
        String timeout = "-D" + CoreSettingsCatalog.BROKER_SEND_TIMEOUT + "=1s";

        try (EmbeddedBroker broker = EmbeddedBroker.start(full, dir.resolve("broker"))) {
            await().atMost(Duration.ofSeconds(15)).until(() -> broker.server().getPagingManager().isDiskFull());
            long statusesBefore = statusesAdded(broker);

            for (String[] command : List.of(
                    new String[] {"maintenance", "a", "on", "--wait", "0", "--broker", url, timeout},
                    new String[] {"quarantine", "release", "--broker", url, timeout, quarantined},
                    new String[] {"submit", "--node", "a", "--broker", url, timeout, eml.toString()},
                    new String[] {"forget", "b", "--broker", url, timeout})) {
                long start = System.nanoTime();
                // before the deadline, this waited forever
                TestNode.Run run = Bounded.call("operator", Duration.ofSeconds(20), () -> TestNode.run(command));
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("%s on a full disk: exit %d after %d ms: %s%n", command[0] + " " + command[1], run.exit(),
                        millis, run.err().strip());
                assertThat(run.exit()).as(String.join(" ", command)).isEqualTo(MailgridCommand.EXIT_FAILURE);
                assertThat(run.err()).as("why, and what to do").contains("disk is full").contains("try again");
                assertThat(millis).as("at the send timeout, not later").isLessThan(10_000);
            }
            assertThat(added(broker, Queues.CONTROL)).as("no maintenance command stored").isZero();
            assertThat(added(broker, Queues.outbound("a"))).as("no released copy stored").isZero();
            assertThat(added(broker, Queues.mailbox("a"))).as("no submitted mail stored").isZero();
            assertThat(statusesAdded(broker)).as("no forget mark stored").isEqualTo(statusesBefore);
            assertThat(TestNode.run("quarantine", "list", "--broker", url).out())
                    .as("the mail waits in the quarantine for the next release").contains(quarantined);
        }
    }

    /** Messages added to the status queue(s) on {@code mailgrid.status} (named after the broker). */
    private static long statusesAdded(EmbeddedBroker broker) throws Exception {
        long added = 0;
        for (SimpleString queue : broker.server().bindingQuery(SimpleString.of(Queues.STATUS)).getQueueNames()) {
            added += added(broker, queue.toString());
        }
        return added;
    }

    private static long added(EmbeddedBroker broker, String queue) {
        Queue found = broker.server().locateQueue(queue);
        return found == null ? 0 : found.getMessagesAdded();
    }
}
