package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.mailgrid.core.Queues;
import io.mailgrid.cluster.StatusReport;
import io.mailgrid.cluster.StatusReport.NodeStatus;
import io.mailgrid.cluster.StatusReport.QueueDepth;
import io.mailgrid.node.cli.ClusterHealth.NagiosState;
import io.mailgrid.node.cli.ClusterHealth.Problem;

class ClusterHealthTest {

    private static NodeStatus node(String name, String state) {
        return new NodeStatus(name, "worker", state, null, 400, 0, 8, 0, Map.of(), "h", false, List.of(), Map.of(), null);
    }

    private static StatusReport report(List<NodeStatus> nodes, QueueDepth... queues) {
        return new StatusReport(nodes, List.of(queues), List.of());
    }

    private static final QueueDepth MAILBOX_A = new QueueDepth(Queues.mailbox("a"), 0, 0, 9);
    private static final QueueDepth EMPTY_DLQ = new QueueDepth(Queues.DLQ, 0, 0, 0);

    @Test
    void aHealthyClusterShouldExitZeroAndSayOk() {
        ClusterHealth health = ClusterHealth.of(report(List.of(node("a", "UP")), MAILBOX_A, EMPTY_DLQ), null);

        assertThat(health.exitCode()).isZero();
        assertThat(health.nagiosState()).isEqualTo(NagiosState.OK);
        assertThat(health.nagiosLine()).startsWith("MAILGRID OK - 1 node(s) up").contains("| nodes_up=1;;;0 nodes_down=0;;;0");
    }

    @Test
    void aDownNodeAnUnservedMailboxAndDeadLettersShouldAddTheirBits() {
        ClusterHealth health = ClusterHealth.of(report(List.of(node("a", "UP"), node("b", "DOWN")), MAILBOX_A,
                new QueueDepth(Queues.mailbox("b"), 3, 0, 0), new QueueDepth(Queues.DLQ, 2, 0, 0)), null);

        assertThat(health.problems()).containsExactly(Problem.NODE_DOWN, Problem.MAILBOX_WITHOUT_CONSUMER, Problem.DEAD_LETTERS);
        assertThat(health.exitCode()).isEqualTo(4 + 8 + 16);
        assertThat(health.nagiosState()).isEqualTo(NagiosState.CRITICAL);
        assertThat(health.nagiosState().code()).isEqualTo(2);
        assertThat(health.nagiosLine()).startsWith("MAILGRID CRITICAL - node b DOWN, mailgrid.mailbox.b has no consumer (3 waiting), 2 mail(s) in mailgrid.dlq |")
                .contains("dead_letters=2;;;0").contains("waiting=3;;;0");
    }

    @Test
    void aForgottenNodesEmptyMailboxShouldBeNoProblemButMailWaitingThereShould() {
        QueueDepth forgotten = new QueueDepth(Queues.mailbox("gone"), 0, 0, 0);
        assertThat(ClusterHealth.of(report(List.of(node("a", "UP")), MAILBOX_A, forgotten, EMPTY_DLQ), null).exitCode()).isZero();

        QueueDepth waiting = new QueueDepth(Queues.mailbox("gone"), 2, 0, 0);
        assertThat(ClusterHealth.of(report(List.of(node("a", "UP")), MAILBOX_A, waiting, EMPTY_DLQ), null).problems())
                .containsExactly(Problem.MAILBOX_WITHOUT_CONSUMER);
    }

    @Test
    void deadLettersAloneShouldBeAWarningNotCritical() {
        ClusterHealth health = ClusterHealth.of(report(List.of(node("a", "UP")), MAILBOX_A, new QueueDepth(Queues.DLQ, 1, 0, 0)), null);

        assertThat(health.exitCode()).isEqualTo(16);
        assertThat(health.nagiosState()).isEqualTo(NagiosState.WARNING);
    }

    @Test
    void aNodeInMaintenanceShouldWarnWithoutAnExitCodeBit() {
        ClusterHealth health = ClusterHealth.of(report(List.of(node("a", "UP"), node("b", "MAINTENANCE")), MAILBOX_A,
                new QueueDepth(Queues.mailbox("b"), 0, 0, 9)), null);

        assertThat(health.exitCode()).isZero();
        assertThat(health.nagiosState()).isEqualTo(NagiosState.WARNING);
        assertThat(health.nagiosLine()).contains("node b MAINTENANCE");
    }

    @Test
    void oneNodesScopeShouldIgnoreAnotherNodesTroubleButNotTheDlq() {
        StatusReport all = report(List.of(node("a", "UP"), node("b", "DOWN")), MAILBOX_A,
                new QueueDepth(Queues.mailbox("b"), 3, 0, 0), new QueueDepth(Queues.DLQ, 1, 0, 0));

        assertThat(ClusterHealth.of(ClusterHealth.scope(all, "a"), "a").problems()).containsExactly(Problem.DEAD_LETTERS);
        assertThat(ClusterHealth.of(ClusterHealth.scope(all, "b"), "b").exitCode()).isEqualTo(4 + 8 + 16);
    }

    @Test
    void anUnknownNodeShouldCountAsDown() {
        StatusReport all = report(List.of(node("a", "UP")), MAILBOX_A, EMPTY_DLQ);

        ClusterHealth health = ClusterHealth.of(ClusterHealth.scope(all, "typo"), "typo");
        assertThat(health.exitCode()).isEqualTo(4);
        assertThat(health.details()).containsExactly("node typo unknown (no heartbeat)");
    }
}
