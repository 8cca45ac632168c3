package io.mailgrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.testing.Bounded;
import io.mailgrid.testing.LogCapture;
import io.mailgrid.testing.TestHome;

/**
 * The twin of {@link ClusterAgentDiskFullTest} for a broker that is stopped: a node's connection tries
 * to reach it without end, so its heartbeat is given up at the heartbeat timeout. The one ERROR must
 * say the broker cannot be reached, not send the operator to free disk space on it.
 */
class HeartbeatChannelBrokerDownTest {

    @TempDir
    Path dir;

    @Test
    void aHeartbeatToAStoppedBrokerShouldBeGivenUpOnceSayingItCannotBeReachedNotThatItsDiskIsFull() throws Exception {
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(), Map.of());
        EmbeddedBroker.start(config, dir.resolve("broker")).close(); // it ran once, and is stopped now
        try (ActiveMQConnectionFactory factory = BrokerConnection.forNode(config); // reconnects for good
                HeartbeatChannel channel = new HeartbeatChannel(factory, Duration.ofMillis(500));
                LogCapture log = LogCapture.of(HeartbeatChannel.class.getName())) {
            Heartbeat beat = new Heartbeat("a", "worker", NodeState.UP, null, 1, 1000, System.currentTimeMillis(), 0, 4, 0,
                    Map.of("pass-all", true), "hash", "maildir:/x");
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                Bounded.run("node", Duration.ofSeconds(10), () -> channel.publish(beat));
                System.out.printf("heartbeat to a stopped broker given up after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            }
            assertThat(log.lines()).as("said once, naming the cause").singleElement()
                    .satisfies(line -> assertThat(line.message()).contains("cannot be reached").doesNotContain("disk is full"));
        }
    }
}
