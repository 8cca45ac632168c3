package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.cluster.StatusReport;
import io.mailgrid.core.BrokerManagement;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.node.runtime.NodeSettingsCatalog;
import io.mailgrid.node.runtime.TestNode;
import io.mailgrid.testing.Steps;
import io.mailgrid.testing.TestMail;

/** Graceful stop within the grace period, the status view of reserved mails, and the command line. */
class ShutdownAndStatusTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void statusShouldShowWhichNodeHoldsAMailInFlight() throws Exception {
        Steps.Holding hold = Steps.holding();
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(), hold)) {
            String id = a.publish(TestMail.to("bob@example.com"));
            await().atMost(WAIT).until(() -> hold.entered() == 1);

            StatusReport report;
            try (BrokerManagement management = BrokerManagement.connect(a.config)) {
                report = StatusReport.read(management);
            }
            assertThat(report.inFlight()).singleElement().satisfies(mail -> {
                assertThat(mail.mailId()).isEqualTo(id);
                assertThat(mail.queue()).isEqualTo(Queues.mailbox("a"));
                assertThat(mail.node()).isEqualTo("a");
                assertThat(mail.clientId()).isEqualTo("a/grabber/a");
            });
            assertThat(report.queues()).extracting(StatusReport.QueueDepth::name)
                    .contains(Queues.mailbox("a"), Queues.outbound("a"), Queues.QUARANTINE, Queues.DLQ)
                    .noneMatch(name -> name.startsWith("mailgrid.tmp."));
            assertThat(report.queues()).filteredOn(q -> q.name().equals(Queues.mailbox("a")))
                    .singleElement().satisfies(q -> {
                        assertThat(q.inFlight()).isEqualTo(1);
                        assertThat(q.consumers()).as("8 standard + 1 large-mail consumer").isEqualTo(9);
                    });

            String printed = TestNode.runCommand("status", "--broker", a.brokerUrl());
            assertThat(printed).contains("mailgrid.mailbox.a").contains(id).contains("HELD BY NODE");
            String json = TestNode.runCommand("status", "--json", "--broker", a.brokerUrl());
            assertThat(json).startsWith("{\"broker\":").contains("\"mailId\":\"" + id + "\"").contains("\"node\":\"a\"");
            hold.release();
        }
    }

    @Test
    void aMailInFlightAtStopShouldFinishWithinTheGracePeriod() throws Exception {
        Steps.Holding hold = Steps.holding();
        MailgridConfig config;
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(NodeSettingsCatalog.SHUTDOWN_GRACE, "20s"), hold)) {
            config = a.config;
            a.publish(TestMail.to("bob@example.com"));
            await().atMost(WAIT).until(() -> hold.entered() == 1);

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(a::close);
            await().atMost(WAIT).until(() -> a.node.camel().getStatus() == ServiceStatus.Stopping);
            hold.release();
            stopping.get();
        }
        // the grabber committed before it stopped: the mail waits in the outbound queue, delivered after restart
        try (TestNode again = TestNode.start(config)) {
            await().atMost(WAIT).until(() -> again.outbox().count() == 1);
            assertThat(again.outbox().mails().get(0).stamp("Attempt")).contains("1");
        }
    }

    @Test
    void aMailStillInFlightAfterTheGracePeriodShouldBeRolledBackAndProcessedAfterRestart() throws Exception {
        Steps.Holding hold = Steps.holding();
        MailgridConfig config;
        try (TestNode a = TestNode.withFirstPolicyStep(dir, Map.of(NodeSettingsCatalog.SHUTDOWN_GRACE, "1s"), hold)) {
            config = a.config;
            a.publish(TestMail.to("bob@example.com"));
            await().atMost(WAIT).until(() -> hold.entered() == 1);
        }
        hold.release();
        try (TestNode again = TestNode.start(config)) {
            await().atMost(WAIT).until(() -> again.outbox().count() == 1);
            assertThat(again.outbox().mails().get(0).stamp("Attempt")).contains("2");
            assertThat(again.depth(Queues.DLQ)).isZero();
        }
    }

    @Test
    void submitShouldPrintOneMailIdPerFileAndFailClearlyForABadFile() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of())) {
            Path good = Files.write(dir.resolve("good.eml"), TestMail.to("bob@example.com").bytes());
            Path empty = Files.write(dir.resolve("empty.eml"), new byte[0]);

            // the node runs in this JVM: its dated log lines (the mail's delivery) share System.out
            String out = TestNode.runCommand("submit", "--node", "a", "--broker", a.brokerUrl(), good.toString())
                    .lines().filter(line -> !line.matches("\\d{4}-\\d{2}-\\d{2}T.*")).collect(java.util.stream.Collectors.joining("\n"));
            assertThat(out.strip()).matches("[0-9a-f-]{36}");
            await().atMost(WAIT).until(() -> a.outbox().count() == 1);
            assertThat(a.outbox().mails().get(0).stamp("Id")).contains(out.strip());

            assertThat(MailgridCommand.execute("submit", "--node", "a", "--broker", a.brokerUrl(), empty.toString(),
                    dir.resolve("missing.eml").toString())).isEqualTo(MailgridCommand.EXIT_FAILURE);
        }
    }

    @Test
    void aCommandAgainstNoBrokerShouldFailWithAMessageNotAStackTrace() {
        assertThat(MailgridCommand.execute("status", "--broker", "tcp://127.0.0.1:1")).isEqualTo(MailgridCommand.EXIT_FAILURE);
        assertThat(MailgridCommand.execute("run", "--node", "Bad Name")).isEqualTo(MailgridCommand.EXIT_USAGE);
    }

}
