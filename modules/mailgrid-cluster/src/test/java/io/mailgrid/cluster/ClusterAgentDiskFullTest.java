package io.mailgrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.BrokerSettingsCatalog;
import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.NodeSettings;
import io.mailgrid.core.RequiredChecks;
import io.mailgrid.testing.Bounded;
import io.mailgrid.testing.LogCapture;
import io.mailgrid.testing.TestHome;

/**
 * A node starts against a broker whose disk is full: Artemis holds back its status and heartbeats,
 * and their sends would wait without end. The start must not hang silently: it says once, as an
 * ERROR, that the broker holds back new messages and what to do, and the node can still be stopped.
 */
class ClusterAgentDiskFullTest {

    @TempDir
    Path dir;

    @Test
    void aNodeWhoseBrokersDiskIsFullShouldSaySoOnceAndStillStartAndStop() throws Exception {
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(), Map.of(
                // more than any disk here has free: the broker counts its disk as full from its first scan
                BrokerSettingsCatalog.MIN_DISK_FREE, "1000000GB",
                ClusterSettingsCatalog.HEARTBEAT_INTERVAL, "100ms",
                ClusterSettingsCatalog.HEARTBEAT_TIMEOUT, "500ms"));
        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"));
                ActiveMQConnectionFactory factory = BrokerConnection.forNode(config);
                LogCapture log = LogCapture.of(HeartbeatChannel.class.getName())) {
            await().atMost(Duration.ofSeconds(15)).until(() -> broker.server().getPagingManager().isDiskFull());
            ClusterAgent agent = new ClusterAgent(config, new NodeSettings("a", NodeSettings.Role.WORKER, dir.resolve("a")),
                    factory, AgentStubs.noRoutes(), AgentStubs.idle(), () -> Map.of("pass-all", true), RequiredChecks.of(List.of("pass-all")),
                    "hash", "maildir:" + dir.resolve("a"), Clock.systemUTC());

            long start = System.nanoTime();
            Bounded.run("node", Duration.ofSeconds(20), agent::start); // before the deadline, the first status publish waited forever
            System.out.printf("start on a full disk returned after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            assertThat(log.mentioning("disk is full")).as("said once, with what to do").singleElement()
                    .satisfies(line -> assertThat(line.message()).contains("min-disk-free").contains("free disk space"));

            long stop = System.nanoTime();
            Bounded.run("node", Duration.ofSeconds(10), agent::close); // as the SIGTERM hook does
            System.out.printf("stop on a full disk took %d ms%n", (System.nanoTime() - stop) / 1_000_000);
            assertThat(log.mentioning("disk is full")).as("not once per heartbeat").hasSize(1);
        }
    }
}
