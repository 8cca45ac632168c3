package io.mailgrid.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ReadinessTest {

    private record Node(boolean brokerConnected, Map<String, String> unavailableChecks, String state)
            implements NodeHealth {
        @Override
        public String node() {
            return "a";
        }
    }

    @Test
    void aConnectedNodeWithItsWholeChainThatIsUpShouldBeReady() {
        assertThat(Readiness.of(new Node(true, Map.of(), "UP")).ready()).isTrue();
    }

    @Test
    void aLostBrokerShouldMakeTheNodeNotReadyWhateverItsStateSays() {
        Readiness readiness = Readiness.of(new Node(false, Map.of(), "UP"));
        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.details().get("status")).isEqualTo("DOWN");
        assertThat(readiness.details().toString()).contains("broker={status=DOWN, detail=not connected}");
    }

    @Test
    void anUnavailableCheckShouldMakeTheNodeNotReadyNamingTheCheckAndWhy() {
        Readiness readiness = Readiness.of(new Node(true, Map.of("clamd", "cannot connect"), "UP"));
        assertThat(readiness.ready()).isFalse();
        assertThat(readiness.details().toString()).contains("clamd (cannot connect)");
    }

    @Test
    void aNodeStartingInMaintenanceOrLeavingShouldNotBeReady() {
        for (String state : new String[] {"STARTING", "MAINTENANCE", "LEAVING"}) {
            assertThat(Readiness.of(new Node(true, Map.of(), state)).ready()).as(state).isFalse();
        }
    }
}
