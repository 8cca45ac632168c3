package io.mailgrid.node;

import java.time.Instant;
import java.util.List;

import io.mailgrid.core.Envelope;

/** Publishing raw mail bytes to node a's mailbox, as ingress does. */
final class QuarantineTestSupport {

    private QuarantineTestSupport() {
    }

    static String publish(TestNode a, byte[] bytes) throws Exception {
        Envelope envelope = Envelope.received("a", "alice@example.com", List.of("bob@example.com"), "test",
                Instant.now(), bytes.length);
        a.node.publisher().publish(envelope, bytes);
        return envelope.mailId();
    }
}
