package io.mailgrid.node.runtime;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Queues;
import io.mailgrid.core.Stage;
import io.mailgrid.node.cli.Quarantine;
import io.mailgrid.testing.TestMail;

/**
 * Publishing raw mail bytes to node a's mailbox, as ingress does, putting mail into the quarantine as a
 * grabber does, and finding a mail in the quarantine.
 */
public final class QuarantineTestSupport {

    private QuarantineTestSupport() {
    }

    public static String publish(TestNode a, byte[] bytes) throws Exception {
        Envelope envelope = Envelope.received("a", "alice@example.com", List.of("bob@example.com"), "test",
                Instant.now(), bytes.length);
        a.node.publisher().publish(envelope, bytes);
        return envelope.mailId();
    }

    /** Waits until the mail is in the quarantine and returns it (browsed, not taken). */
    public static jakarta.jms.Message browseUntilPresent(TestNode a, String id) {
        jakarta.jms.Message[] found = new jakarta.jms.Message[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (var factory = BrokerConnection.forOperator(a.config);
                    var context = factory.createContext();
                    var browser = context.createBrowser(context.createQueue(Queues.QUARANTINE), Quarantine.selector(id))) {
                var messages = browser.getEnumeration();
                found[0] = messages.hasMoreElements() ? (jakarta.jms.Message) messages.nextElement() : null;
                if (found[0] != null) {
                    found[0].getStringProperty("mailgrid_id"); // read while open
                }
            }
            return found[0] != null;
        });
        return found[0];
    }

    /**
     * Puts {@code count} mails of node a into the quarantine as a grabber does (verdict, reason, stage id),
     * 4 KB each, through the broker {@code config} names; returns their ids in order.
     */
    public static List<String> quarantineAsAGrabberDoes(MailgridConfig config, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        try (ActiveMQConnectionFactory factory = BrokerConnection.forCommand(config);
                JMSContext context = factory.createContext(JMSContext.AUTO_ACKNOWLEDGE)) {
            JMSProducer producer = context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < count; i++) {
                byte[] bytes = TestMail.to("bob@example.com").subject("blocked " + i).body("x".repeat(4000) + "\r\n").bytes();
                Envelope envelope = Envelope.received("a", "alice@example.com", List.of("bob@example.com"), "test",
                        Instant.now(), bytes.length);
                BytesMessage message = context.createBytesMessage();
                message.writeBytes(bytes);
                envelope.writeTo(message);
                message.setStringProperty(MailProperty.VERDICT, "BLOCKED_ATTACHMENT");
                message.setStringProperty(MailProperty.REASON, "attachment-policy: 'run.exe' is blocked");
                message.setStringProperty(MailProperty.PROCESSED_BY, "a");
                message.setLongProperty(MailProperty.PROCESSED_AT, System.currentTimeMillis());
                message.setStringProperty(MailProperty.DUPLICATE_ID, Stage.QUARANTINE.duplicateId(envelope.mailId(), 0));
                producer.send(context.createQueue(Queues.QUARANTINE), message);
                ids.add(envelope.mailId());
            }
        }
        return ids;
    }
}
