package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.Processor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.core.Queues;
import io.mailgrid.node.runtime.QuarantineTestSupport;
import io.mailgrid.node.runtime.TestNode;
import io.mailgrid.testing.Bounded;
import io.mailgrid.testing.BrokerDisk;
import io.mailgrid.testing.TestMail;

/**
 * The broker's disk is full and the operator cleans up: deleting quarantined mail and dead letters
 * is how space is freed, and retrying a dead letter must not wait for room either. These commands
 * move and remove messages inside the broker and need no producer credit, so they must work while
 * Artemis holds new messages back, and nothing may be lost or doubled once the disk has room again.
 */
class CleanUpOnAFullBrokerDiskTest {


    @TempDir
    Path dir;

    @Test
    void quarantineDeleteDlqDeleteAndDlqRetryShouldWorkWhileTheBrokersDiskIsFull() throws Exception {
        AtomicBoolean poisoned = new AtomicBoolean(true);
        Processor scanner = exchange -> {
            if (poisoned.get()) {
                throw new IllegalStateException("scanner exploded");
            }
        };
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS, "2",
                BrokerSettingsCatalog.REDELIVERY_DELAY, "100ms", BrokerSettingsCatalog.MIN_DISK_FREE, "1MB"), scanner)) {
            String url = a.brokerUrl();
            String retried = a.publish(TestMail.to("bob@example.com"));
            String deadDeleted = a.publish(TestMail.to("bob@example.com"));
            await().atMost(Duration.ofSeconds(30)).until(() -> a.depth(Queues.DLQ) == 2);
            String quarantined = QuarantineTestSupport.quarantineAsAGrabberDoes(a.config, 1).get(0);
            poisoned.set(false);

            BrokerDisk.fill(a.node.embeddedBroker().server());
            String timeout = "-D" + CoreSettingsCatalog.BROKER_SEND_TIMEOUT + "=1s";
            for (String[] command : new String[][] {
                    {"quarantine", "delete", "--broker", url, timeout, quarantined},
                    {"dlq", "delete", "--broker", url, timeout, deadDeleted},
                    {"dlq", "retry", "--broker", url, timeout, retried}}) {
                TestNode.Run run = Bounded.call("operator", Duration.ofSeconds(30), () -> TestNode.run(command));
                System.out.printf("%s %s on a full disk: exit %d: %s%n", command[0], command[1], run.exit(), run.out().strip());
                assertThat(run.exit()).as(String.join(" ", command) + ": " + run.err()).isZero();
            }
            assertThat(a.depth(Queues.QUARANTINE)).as("quarantined mail deleted on a full disk").isZero();

            BrokerDisk.empty(a.node.embeddedBroker().server());
            await().atMost(Duration.ofSeconds(30)).until(() -> a.outbox().count() == 1);
            assertThat(a.outbox().mails().get(0).stamp("Id")).as("the retried dead letter, delivered").contains(retried);
            assertThat(a.depth(Queues.DLQ)).as("one retried, one deleted").isZero();
            assertThat(a.depth(Queues.mailbox("a"))).isZero();
            assertThat(a.outbox().count()).as("delivered once").isEqualTo(1);
        }
    }
}
