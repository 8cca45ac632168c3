package io.mailgrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HeartbeatTest {

    private static Heartbeat beat() {
        return new Heartbeat("a", "worker", NodeState.UP, null, 3, 1000, 2000, 0, 4, 7, Map.of("clamd", true), "hash",
                "maildir:/x", List.of("clamd"), Map.of());
    }

    @Test
    void aHeartbeatShouldCarryTheBrokerItWasSentThrough() {
        Heartbeat sent = beat().withBroker("10.0.0.5:61616");

        Heartbeat read = Heartbeat.fromJson(sent.toJson());

        assertThat(read.broker()).isEqualTo("10.0.0.5:61616");
        assertThat(read).isEqualTo(sent);
    }

    @Test
    void aHeartbeatOfAnOlderNodeShouldReadWithoutABroker() {
        String older = beat().toJson().replace(",\"broker\":null", "");

        assertThat(older).doesNotContain("broker");
        assertThat(Heartbeat.fromJson(older).broker()).isNull();
    }
}
