package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void queueNamesShouldFollowTheDocumentedScheme() {
        assertThat(Queues.mailbox("a")).isEqualTo("mailgrid.mailbox.a");
        assertThat(Queues.outbound("node-2")).isEqualTo("mailgrid.outbound.node-2");
        assertThat(Queues.nodeOfMailbox("mailgrid.mailbox.b")).isEqualTo("b");
        assertThat(Queues.nodeOfMailbox("mailgrid.outbound.b")).isNull();
        assertThat(Queues.nodeOfOutbound("mailgrid.outbound.b")).isEqualTo("b");
    }

    @Test
    void nodeNamesThatWouldBreakQueueOrFileNamesShouldBeRefused() {
        for (String bad : new String[] {"", "A", "a.b", "a/b", "-a", "a b", "x".repeat(64)}) {
            assertThatThrownBy(() -> NodeNames.requireValid(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(NodeNames.requireValid("mail-1_b")).isEqualTo("mail-1_b");
    }

    @Test
    void theHostNameShouldAlwaysGiveAValidNodeName() {
        assertThat(NodeNames.requireValid(NodeNames.fromHostName())).isNotBlank();
    }

    @Test
    void clientIdsShouldNameTheNodeTheyBelongTo() {
        assertThat(ClientIds.grabber("b", "a")).isEqualTo("b/grabber/a");
        assertThat(ClientIds.nodeOf(ClientIds.delivery("mail-1", "a"))).isEqualTo("mail-1");
        assertThat(ClientIds.nodeOf("someone-else")).isNull();
        assertThat(ClientIds.nodeOf(null)).isNull();
        assertThat(ClientIds.largeLane("b/grabber/a")).isEqualTo("b/grabber-large/a");
        assertThat(ClientIds.nodeOf(ClientIds.largeLane("b/delivery/a"))).isEqualTo("b");
    }
}
