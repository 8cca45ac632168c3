package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.Envelope;
import io.mailgrid.core.IngressSource;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.TestMail;

/** A quarantined mail sends a short summary to the admin through the node's own mail flow, and never loops. */
class QuarantineNotificationNodeTest {

    @TempDir
    Path dir;

    private static byte[] blocked(String subject) {
        return TestMail.to("bob@example.com").subject(subject)
                .attachment("invoice.exe", "MZ secret payload".getBytes(StandardCharsets.US_ASCII)).bytes();
    }

    private static String publish(TestNode a, String from, String source, byte[] bytes) throws Exception {
        Envelope envelope = new Envelope(Envelope.newMailId(), "a", from, List.of("bob@example.com"), source, null, null,
                Instant.now(), bytes.length, 0);
        a.node.publisher().publish(envelope, bytes);
        return envelope.mailId();
    }

    @Test
    void aBlockedAttachmentShouldNotifyTheAdminOnceAndANotificationOrBounceShouldNotifyNobody() throws Exception {
        try (TestNode a = TestNode.start(dir, Map.of("mailgrid.quarantine.notify", "admin@example.com"))) {
            String mailbox = Queues.mailbox("a");
            // a notification that is itself quarantined, and a bounce (null sender): no summary for either
            String notification = publish(a, "", IngressSource.NOTIFICATION.wireName(), blocked("a notification"));
            String bounce = publish(a, "", "test", blocked("a bounce"));
            QuarantineTestSupport.browseUntilPresent(a, notification);
            QuarantineTestSupport.browseUntilPresent(a, bounce);
            // a summary is published before the quarantined mail's commit: none came for these two
            assertThat(a.messagesAdded(mailbox)).isEqualTo(2);

            String id = publish(a, "mallory@example.net", "test", blocked("Your invoice"));
            Maildir outbox = a.outbox();
            await().atMost(Duration.ofSeconds(30)).until(() -> outbox.count() == 1);
            Maildir.Delivered summary = outbox.mails().get(0);
            String text = new String(summary.bytes(), StandardCharsets.UTF_8);
            assertThat(text).contains(id).contains("BLOCKED_ATTACHMENT").contains("'invoice.exe' has a blocked extension")
                    .contains("mallory@example.net").contains("Your invoice")
                    .doesNotContain("MZ secret payload").doesNotContain("TVogc2VjcmV0"); // nor its base64
            assertThat(summary.header("Auto-Submitted")).hasValue("auto-generated");
            assertThat(a.messagesAdded(mailbox)).isEqualTo(4);
            assertThat(outbox.count()).isEqualTo(1);
        }
    }
}
