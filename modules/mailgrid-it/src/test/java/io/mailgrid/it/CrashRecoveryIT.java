package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.Queues;
import io.mailgrid.cluster.StatusReport;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.MailgridProcess;

/**
 * A node process killed with {@code kill -9} while it processes mail: after a restart every mail
 * is delivered exactly once, and the mail it held costs one delivery attempt, not two.
 */
class CrashRecoveryIT {

    @TempDir
    Path dir;

    @Test
    void aNodeKilledMidStreamShouldDeliverEveryMailExactlyOnceAfterRestart() throws Exception {
        try (Cluster cluster = new Cluster(dir, "crash")) {
            cluster.startBroker();
            Path slow = cluster.routesWithFirstStep("slow", "<delay><constant>40</constant></delay>");
            List<String> sent = cluster.publish("a", 400, "crash"); // waiting in a's mailbox before a starts
            MailgridProcess a = cluster.startNode("a", slow);
            Maildir outbox = Maildir.at(cluster.dataDir("a").resolve("outbox"));

            await().atMost(Duration.ofSeconds(60)).until(() -> outbox.count() >= 60);
            a.kill9();
            int beforeRestart = outbox.count();

            cluster.startNode("a", slow);
            await().atMost(Duration.ofSeconds(120)).until(() -> outbox.count() >= sent.size()
                    && cluster.depth(Queues.mailbox("a")) == 0 && cluster.depth(Queues.outbound("a")) == 0);

            Map<String, Integer> delivered = Maildir.mailIdCounts(List.of(outbox));
            assertThat(delivered.keySet()).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(delivered.values()).as("every mail exactly once").allMatch(n -> n == 1);
            assertThat(cluster.depth(Queues.DLQ)).isZero();
            long retried = outbox.mails().stream().filter(m -> !m.stamp("Attempt").orElse("1").equals("1")).count();
            System.out.printf("kill -9 after %d of %d delivered; %d mails were redone after the crash%n",
                    beforeRestart, sent.size(), retried);
        }
    }

    @Test
    void theMailHeldByAKilledNodeShouldBeRedeliveredAsItsSecondAttempt() throws Exception {
        try (Cluster cluster = new Cluster(dir, "attempts")) {
            cluster.startBroker();
            // the first attempt of a marked mail hangs, as if a check were stuck
            Path holding = cluster.routesWithFirstStep("holding",
                    "<filter><simple>${header.JMSXDeliveryCount} == 1 &amp;&amp; ${bodyAs(String)} contains 'HOLD-ME'</simple>"
                            + "<delay><constant>600000</constant></delay></filter>");
            MailgridProcess a = cluster.startNode("a", holding, "mailgrid.grabber.consumers=4");
            Maildir outbox = Maildir.at(cluster.dataDir("a").resolve("outbox"));

            List<String> held = cluster.publish("a", 1, "HOLD-ME");
            // the other consumers stay busy meanwhile: at the crash they are idle with credit, the case
            // where Artemis used to hand the released mail to them before closing them (+1 attempt each)
            List<String> others = cluster.publish("a", 20, "normal");
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count() == others.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.status().inFlight().size() == 1);
            StatusReport status = cluster.status();
            assertThat(status.inFlight()).as("the classic 'dispatched for' view").singleElement()
                    .satisfies(m -> assertThat(m.node()).isEqualTo("a"));

            a.kill9();
            cluster.startNode("a", holding, "mailgrid.grabber.consumers=4");

            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count() == others.size() + 1);
            Maildir.Delivered redone = outbox.mails().stream()
                    .filter(m -> m.mailId().equals(held.get(0))).findFirst().orElseThrow();
            assertThat(redone.stamp("Attempt")).as("one crash costs one delivery attempt").contains("2");
            assertThat(Maildir.mailIdCounts(List.of(outbox)).values()).allMatch(n -> n == 1);
        }
    }
}
