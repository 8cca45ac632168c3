package io.mailgrid.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.TestMail;

/**
 * A mail that comes back to its mailbox although an earlier attempt's publish was committed (the
 * broker stopped or failed over while it committed that attempt; seen in ClusterIT's broker
 * restart): its publish carries a duplicate-detection id the broker knows. It must be acknowledged
 * and delivered once, not rolled back on every attempt into the dead-letter queue (docs/adr/0011).
 */
class RedeliveredPublishTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aMailBackInItsMailboxAfterItsPublishWasCommittedShouldStayDeliveredOnceAndNotBeDeadLettered() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of())) {
            byte[] bytes = TestMail.to("bob@example.com").subject("comes back").bytes();
            Envelope envelope = Envelope.received("a", "alice@example.com", List.of("bob@example.com"), "test", Instant.now(),
                    bytes.length);
            a.node.publisher().publish(envelope, bytes);
            await().atMost(WAIT).until(() -> a.outbox().count() == 1 && a.depth(Queues.mailbox("a")) == 0
                    && a.depth(Queues.outbound("a")) == 0);

            // the same mail in the mailbox again, as if the commit that took it out had been lost
            try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(a.config);
                    JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
                BytesMessage message = context.createBytesMessage();
                message.writeBytes(bytes);
                envelope.writeTo(message);
                context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT)
                        .send(context.createQueue(Queues.mailbox("a")), message);
            }

            await().atMost(WAIT).until(() -> a.depth(Queues.mailbox("a")) == 0);
            assertThat(a.depth(Queues.DLQ)).as("not dead-lettered: its outbound copy was committed").isZero();
            assertThat(a.depth(Queues.outbound("a"))).as("no second outbound copy").isZero();
            assertThat(a.outbox().count()).isEqualTo(1);
        }
    }
}
