package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;

import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.ActiveMQSecurityException;
import org.junit.jupiter.api.Test;

class BrokerFaultTest {

    @Test
    void aConnectionFailureWrappedByJmsShouldCountAsUnreachable() {
        JMSException jms = new JMSException("Failed to create session factory");
        jms.initCause(new ActiveMQNotConnectedException("AMQ219007: Cannot connect to server(s)"));
        assertThat(BrokerFault.of(new JMSRuntimeException(jms.getMessage(), null, jms))).contains(BrokerFault.UNREACHABLE);
    }

    @Test
    void aRefusalByAReachableBrokerShouldNotCountAsAConnectionFault() {
        JMSException jms = new JMSException("not allowed");
        jms.initCause(new ActiveMQSecurityException("AMQ229032: does not have permission"));
        assertThat(BrokerFault.of(jms)).isEmpty();
        assertThat(BrokerFault.of(new IllegalStateException("no cause"))).isEmpty();
    }

    @Test
    void eachExplanationShouldNameTheSettingTheCauseAndWhatToDoAndOnlyHeldBackSaysTheDiskIsFull() {
        for (BrokerFault fault : BrokerFault.values()) {
            String text = fault.explain("mail m-1", Duration.ofSeconds(2));
            assertThat(text).as(fault.name()).contains("mail m-1", CoreSettingsCatalog.BROKER_SEND_TIMEOUT, "2000 ms",
                    "nothing was stored", "then try again");
            if (fault == BrokerFault.HELD_BACK) {
                assertThat(text).contains("disk is full");
            } else {
                assertThat(text).doesNotContain("disk");
            }
        }
        assertThat(BrokerFault.UNREACHABLE.explain("mail m-1", new IllegalStateException("AMQ219007")))
                .contains("cannot be reached", "AMQ219007");
    }
}
