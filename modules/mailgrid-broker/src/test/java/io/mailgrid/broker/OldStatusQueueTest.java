package io.mailgrid.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.TestHome;

/**
 * A data directory from before the status address became multicast (ADR 0030) holds an anycast
 * queue {@code mailgrid.status}: nothing reads it any more, and it kept broker.xml's multicast
 * address from deploying (AMQ222274 at every start).
 */
class OldStatusQueueTest {

    @TempDir
    Path dir;

    @Test
    void theEmbeddedBrokerShouldRetireAnOldAnycastStatusQueueAndServeTheStatusAddressAsMulticast() throws Exception {
        MailgridConfig config = TestHome.config("a", dir, TestHome.freePort(), Map.of());
        SimpleString status = SimpleString.of(Queues.STATUS);
        // the journal as an older version left it: the status address anycast, one queue of its name, a stale status in it
        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"))) {
            ActiveMQServer server = broker.server();
            server.removeAddressInfo(status, null);
            server.createQueue(QueueConfiguration.of(status).setRoutingType(RoutingType.ANYCAST).setDurable(true)
                    .setAutoCreateAddress(true));
            assertThat(server.locateQueue(status)).isNotNull();
        }

        try (EmbeddedBroker broker = EmbeddedBroker.start(config, dir.resolve("broker"))) {
            ActiveMQServer server = broker.server();
            assertThat(server.locateQueue(status)).as("the old queue").isNull();
            assertThat(server.getAddressInfo(status).getRoutingTypes()).isEqualTo(EnumSet.of(RoutingType.MULTICAST));
        }
    }
}
