package io.mailgrid.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.mailgrid.core.BrokerUnavailableException;

class StatusReportTest {

    private static final String LISTING = "{\"data\":[{\"session\":\"s1\",\"clientID\":\"grabber-a-a\"}]}";
    /** What Artemis answered in HungDeliveryIT while a consumer was being created during a takeover. */
    private static final IllegalStateException RACE = new IllegalStateException("management call broker.listConsumers failed: "
            + "Cannot invoke \"org.apache.activemq.artemis.core.server.ServerSession.getName()\" because \"this.session\" is null");

    @Test
    void aConsumerListingThatFailedWhileConsumersChangedShouldBeReadAgain() throws Exception {
        AtomicInteger reads = new AtomicInteger();

        var bySession = StatusReport.consumersBySession(() -> {
            if (reads.incrementAndGet() < StatusReport.LISTING_ATTEMPTS) {
                throw RACE;
            }
            return LISTING;
        });

        assertThat(bySession).containsOnlyKeys("s1");
        assertThat(bySession.get("s1").path("clientID").asText()).isEqualTo("grabber-a-a");
    }

    @Test
    void aConsumerListingThatKeepsFailingShouldLeaveTheHoldersUnknownNotFailTheReport() throws Exception {
        AtomicInteger reads = new AtomicInteger();

        var bySession = StatusReport.consumersBySession(() -> {
            reads.incrementAndGet();
            throw RACE;
        });

        assertThat(bySession).isEmpty();
        assertThat(reads).hasValue(StatusReport.LISTING_ATTEMPTS);
    }

    @Test
    void aBrokerThatDoesNotAnswerShouldStillFailTheReport() {
        assertThatThrownBy(() -> StatusReport.consumersBySession(() -> {
            throw new BrokerUnavailableException("no management reply for broker.listConsumers within 10 s", null);
        })).isInstanceOf(BrokerUnavailableException.class);
    }
}
