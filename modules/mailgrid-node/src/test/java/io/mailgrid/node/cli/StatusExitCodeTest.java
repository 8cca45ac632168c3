package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.node.runtime.TestNode;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.Steps;
import io.mailgrid.testing.TestMail;

/** {@code status} exit codes, {@code --check}, {@code --node} and {@code --watch} against a node with a real dead letter. */
class StatusExitCodeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void statusShouldExitNonZeroForADeadLetterAndAnUnknownNodeAndCheckShouldSpeakNagios() throws Exception {
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(), Steps.alwaysFailing("scanner exploded"))) {
            String url = a.brokerUrl();
            TestNode.Run healthy = TestNode.run("status", "--check", "--broker", url);
            assertThat(healthy.out()).startsWith("MAILGRID OK - 1 node(s) up").contains("dead_letters=0;;;0");
            assertThat(healthy.exit()).isZero();

            a.publish(TestMail.to("bob@example.com"));
            await().atMost(WAIT).until(() -> a.depth(Queues.DLQ) == 1);

            TestNode.Run plain = TestNode.run("status", "--broker", url);
            assertThat(plain.exit()).isEqualTo(16);
            assertThat(plain.out()).contains("PROBLEMS (exit code 16)").contains("1 mail(s) in mailgrid.dlq");
            TestNode.Run check = TestNode.run("status", "--check", "--broker", url);
            assertThat(check.out()).startsWith("MAILGRID WARNING - 1 mail(s) in mailgrid.dlq |");
            assertThat(check.exit()).isEqualTo(1);
            TestNode.Run ghost = TestNode.run("status", "--node", "ghost", "--check", "--broker", url);
            assertThat(ghost.out()).startsWith("MAILGRID CRITICAL - node ghost unknown (no heartbeat)");
            assertThat(ghost.exit()).isEqualTo(2);
            assertThat(TestNode.run("status", "--node", "ghost", "--broker", url).exit()).isEqualTo(4 + 16);

            TestNode.Run watched = TestNode.run("status", "--watch", "1", "--watch-rounds", "2", "--node", "a", "--broker", url);
            assertThat(watched.out().split("\u001b\\[H\u001b\\[2J", -1)).hasSize(3);
            assertThat(watched.exit()).isEqualTo(16);
        }
        assertThat(TestNode.run("status", "--check", "--broker", "tcp://127.0.0.1:1").exit()).isEqualTo(3);
    }
}
