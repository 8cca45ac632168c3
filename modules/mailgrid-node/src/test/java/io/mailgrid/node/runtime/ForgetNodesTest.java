package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.cluster.Heartbeat;
import io.mailgrid.cluster.HeartbeatChannel;
import io.mailgrid.cluster.NodeState;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.RequiredChecks;
import io.mailgrid.ingress.MailPublisher;
import io.mailgrid.node.cli.MailgridCommand;
import io.mailgrid.testing.TestMail;

/**
 * Dead nodes do not stay forever (issue 10, case 8): a DOWN node whose mailbox and outbound queue
 * are empty is forgotten after mailgrid.cluster.forget-after, or at once by {@code mailgrid forget};
 * a node that is up, or whose queues hold mail, is kept.
 */
class ForgetNodesTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aDownNodeWithEmptyQueuesShouldBeForgottenAfterForgetAfterButOneWithMailKept() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of("mailgrid.cluster.forget-after", "5s"))) {
            // two nodes that died two hours ago (their last heartbeats are all that is left of them); full's
            // mailbox holds a mail that needs a check a lacks (the command-line virus scan; a's chain scans
            // with clamd), so it waits there
            lastHeartbeat(a, "gone", Duration.ofHours(2));
            lastHeartbeat(a, "full", Duration.ofHours(2), "virus-scan");
            publishTo(a, "full", "virus-scan");
            await().atMost(WAIT).until(() -> a.node.cluster().peers().containsKey("gone")
                    || !statusQueueNodes(a).contains("gone"));

            await().atMost(WAIT).until(() -> !statusQueueNodes(a).contains("gone"));
            assertThat(a.node.cluster().peers()).doesNotContainKey("gone").containsKey("full");
            assertThat(statusQueueNodes(a)).contains("a", "full");
        }
    }

    @Test
    void forgetShouldDropADownNodeAtOnceAndRefuseOneThatIsUpOrHoldsMail() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of())) {
            lastHeartbeat(a, "old", Duration.ofSeconds(30));
            lastHeartbeat(a, "full", Duration.ofSeconds(30), "virus-scan");
            publishTo(a, "full", "virus-scan");

            TestNode.Run up = forget(a, "a");
            assertThat(up.exit()).isEqualTo(MailgridCommand.EXIT_FAILURE);
            assertThat(up.err()).contains("a is UP");
            TestNode.Run holding = forget(a, "full");
            assertThat(holding.exit()).isEqualTo(MailgridCommand.EXIT_FAILURE);
            assertThat(holding.err()).contains("mailgrid.mailbox.full holds 1 mail");
            TestNode.Run unknown = forget(a, "never");
            assertThat(unknown.exit()).isEqualTo(MailgridCommand.EXIT_FAILURE);
            assertThat(unknown.err()).contains("no node named never");

            await().atMost(WAIT).until(() -> a.node.cluster().peers().containsKey("old"));
            TestNode.Run old = forget(a, "old");
            assertThat(old.exit()).as(old.err()).isZero();
            assertThat(old.out()).contains("Forgot old");
            assertThat(statusQueueNodes(a)).doesNotContain("old").contains("a", "full");
            await().atMost(WAIT).until(() -> !a.node.cluster().peers().containsKey("old"));
            assertThat(a.node.cluster().peers()).containsKey("full");
        }
    }

    private static TestNode.Run forget(TestNode a, String node) {
        return TestNode.run("forget", node, "--broker", a.brokerUrl());
    }

    /** The last heartbeat a node (requiring these checks) left in mailgrid.status before it died {@code ago}. */
    private static void lastHeartbeat(TestNode a, String node, Duration ago, String... required) {
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(a.config);
                HeartbeatChannel channel = new HeartbeatChannel(factory)) {
            long sent = System.currentTimeMillis() - ago.toMillis();
            channel.publish(new Heartbeat(node, "worker", NodeState.UP, null, 7, sent - 60_000, sent, 0, 4, 0, Map.of(),
                    a.node.cluster().configHash(), null, List.of(required), Map.of()));
        }
    }

    /** A mail in the node's mailbox, as its ingress would publish it. */
    private static void publishTo(TestNode a, String node, String... required) throws Exception {
        byte[] bytes = TestMail.to("bob@example.com").bytes();
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(a.config);
                MailPublisher publisher = new MailPublisher(factory, RequiredChecks.of(List.of(required)))) {
            publisher.publish(Envelope.received(node, "alice@example.com", List.of("bob@example.com"), "test",
                    Instant.now(), bytes.length), bytes);
        }
    }

    private static List<String> statusQueueNodes(TestNode a) {
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(a.config)) {
            return HeartbeatChannel.readStatus(factory, Instant.now()).stream().map(s -> s.heartbeat().node()).toList();
        }
    }
}
