package io.mailgrid.node.runtime;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.Queues;
import io.mailgrid.node.cli.Quarantine;

/** Publishing raw mail bytes to node a's mailbox, as ingress does, and finding a mail in the quarantine. */
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
            try (var factory = io.mailgrid.core.BrokerConnection.forOperator(a.config);
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
}
