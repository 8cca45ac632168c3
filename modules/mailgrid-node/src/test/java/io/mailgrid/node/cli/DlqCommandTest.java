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

import io.mailgrid.node.runtime.TestNode;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.TestMail;
import io.mailgrid.broker.BrokerSettingsCatalog;

/** {@code mailgrid dlq} against a node with real poison mail, as the operator's login, and the broker's own retry. */
class DlqCommandTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void deadLettersShouldBeListedRetriedWithAFreshAttemptCountAndDeleted() throws Exception {
        AtomicBoolean poisoned = new AtomicBoolean(true);
        Processor scanner = exchange -> {
            if (poisoned.get()) {
                throw new IllegalStateException("scanner exploded");
            }
        };
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS, "2",
                BrokerSettingsCatalog.REDELIVERY_DELAY, "100ms"), scanner)) {
            String url = a.brokerUrl();
            String first = a.publish(TestMail.to("bob@example.com"));
            String second = a.publish(TestMail.to("bob@example.com"));
            await().atMost(WAIT).until(() -> a.depth(Queues.DLQ) == 2);

            String list = TestNode.runCommand("dlq", "list", "--broker", url);
            assertThat(list).contains(first).contains(second).contains("mailgrid.mailbox.a").contains("scanner exploded")
                    .contains("2 mail(s) in mailgrid.dlq");
            assertThat(TestNode.runCommand("dlq", "show", first, "--broker", url))
                    .contains(MailProperty.FAILED_QUEUE + ": mailgrid.mailbox.a").contains("scanner exploded");
            assertThat(TestNode.run("dlq", "show", "no-such-mail", "--broker", url).exit()).isEqualTo(1);
            assertThat(TestNode.run("dlq", "retry", "--broker", url).exit())
                    .as("retry without ids, filter or --all").isEqualTo(MailgridCommand.EXIT_USAGE);

            poisoned.set(false);
            assertThat(TestNode.runCommand("dlq", "retry", first, "--broker", url)).contains("Retried 1 mail(s) to mailgrid.mailbox.a");
            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            assertThat(a.outbox().mails().get(0).stamp("Id")).contains(first);
            assertThat(a.outbox().mails().get(0).stamp("Attempt")).as("a fresh attempt count").contains("1");
            assertThat(a.depth(Queues.DLQ)).isEqualTo(1);
            assertThat(TestNode.run("dlq", "retry", first, "--broker", url).exit()).as("already retried").isEqualTo(1);

            assertThat(TestNode.runCommand("dlq", "delete", "--all", "--broker", url)).contains("Deleted 1 mail(s)");
            assertThat(a.depth(Queues.DLQ)).isZero();
            assertThat(TestNode.runCommand("dlq", "list", "--broker", url)).contains("No dead letters.");
        }
    }

    @Test
    void theBrokersOwnRetryShouldSendADeadLetterBackToTheQueueItFailedIn() throws Exception {
        AtomicBoolean poisoned = new AtomicBoolean(true);
        Processor scanner = exchange -> {
            if (poisoned.get()) {
                throw new IllegalStateException("scanner exploded");
            }
        };
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(BrokerSettingsCatalog.REDELIVERY_MAX_ATTEMPTS, "2",
                BrokerSettingsCatalog.REDELIVERY_DELAY, "100ms"), scanner)) {
            String id = a.publish(TestMail.to("bob@example.com"));
            await().atMost(WAIT).until(() -> a.depth(Queues.DLQ) == 1);
            assertThat(a.browse(Queues.DLQ)).singleElement().satisfies(dead -> {
                assertThat(dead.getStringProperty(MailProperty.ARTEMIS_ORIGINAL_ADDRESS)).isEqualTo(Queues.mailbox("a"));
                assertThat(dead.getStringProperty(MailProperty.ARTEMIS_ORIGINAL_QUEUE)).isEqualTo(Queues.mailbox("a"));
            });

            poisoned.set(false);
            // what the Artemis console's "Retry" calls
            assertThat(a.node.embeddedBroker().server().locateQueue(Queues.DLQ).retryMessages(null)).isEqualTo(1);
            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            assertThat(a.outbox().mails().get(0).stamp("Id")).contains(id);
            assertThat(a.depth(Queues.DLQ)).isZero();
        }
    }
}
