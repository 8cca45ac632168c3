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

import io.mailgrid.checks.CheckSettings;
import io.mailgrid.core.Envelope;
import io.mailgrid.core.IngressSource;
import io.mailgrid.core.Queues;
import io.mailgrid.delivery.DeliverySettingsCatalog;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * A quarantined mail sends a short summary to the admin, and to its local recipients, through the
 * node's own mail flow (here a relay that shows each summary's envelope), and never loops.
 */
class QuarantineNotificationNodeTest {

    @TempDir
    Path dir;

    private static byte[] blocked(TestMail mail) {
        return mail.attachment("invoice.exe", "MZ secret payload".getBytes(StandardCharsets.US_ASCII)).bytes();
    }

    private static byte[] blocked(String subject) {
        return blocked(TestMail.to("bob@example.com").subject(subject));
    }

    private static String publish(TestNode a, String from, String source, byte[] bytes, String... recipients) throws Exception {
        Envelope envelope = new Envelope(Envelope.newMailId(), "a", from,
                recipients.length == 0 ? List.of("bob@example.com") : List.of(recipients), source, null, null,
                Instant.now(), bytes.length, 0);
        a.node.publisher().publish(envelope, bytes);
        return envelope.mailId();
    }

    @Test
    void aBlockedAttachmentShouldNotifyTheAdminAndTheLocalRecipientsOnlyOnceAndANotificationOrBounceNobody() throws Exception {
        try (SmtpSink relay = SmtpSink.start(TestHome.freePort());
                TestNode a = TestNode.start(dir, Map.of("mailgrid.quarantine.notify", "admin@example.com",
                        "mailgrid.quarantine.notify-recipients", "true", CheckSettings.LOCAL_DOMAINS, "example.com",
                        DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:" + relay.port()))) {
            String mailbox = Queues.mailbox("a");
            // a notification that is itself quarantined, and a bounce (null sender): no summary for either
            String notification = publish(a, "", IngressSource.NOTIFICATION.wireName(), blocked("a notification"));
            String bounce = publish(a, "", "test", blocked("a bounce"));
            QuarantineTestSupport.browseUntilPresent(a, notification);
            QuarantineTestSupport.browseUntilPresent(a, bounce);
            // a summary is published before the quarantined mail's commit: none came for these two
            assertThat(a.messagesAdded(mailbox)).isEqualTo(2);

            // local bob is told; addresses that only look local (a lookalike domain, a quoted local part) are not
            String id = publish(a, "mallory@example.net", "test", blocked("Your invoice"),
                    "bob@example.com", "eve@example.com.evil.net", "\"carol@example.com\"@evil.net", "dave@evil.net");
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.received().size() == 1);
            SmtpSink.Received summary = relay.received().get(0);
            assertThat(summary.from()).as("from the null sender").isEmpty();
            assertThat(summary.recipients()).containsExactly("admin@example.com", "bob@example.com");
            String text = new String(summary.bytes(), StandardCharsets.UTF_8);
            assertThat(text).contains(id).contains("BLOCKED_ATTACHMENT").contains("'invoice.exe' has a blocked extension")
                    .contains("mallory@example.net").contains("Your invoice")
                    .doesNotContain("MZ secret payload").doesNotContain("TVogc2VjcmV0") // nor its base64
                    .doesNotContain("eve@").doesNotContain("dave@"); // recipients do not learn of each other
            Maildir.Delivered delivered = new Maildir.Delivered(Path.of("relayed"), summary.bytes());
            assertThat(delivered.header("Auto-Submitted")).hasValue("auto-generated");
            assertThat(delivered.header("To")).hasValue("undisclosed-recipients:;");

            // a forged header naming a local address tells nobody but the admin: the envelope decides
            publish(a, "mallory@example.net", "test", blocked(TestMail.to("bob@example.com").header("Cc", "carol@example.com")
                    .subject("Forged to")), "dave@evil.net");
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.received().size() == 2);
            assertThat(relay.received().get(1).recipients()).containsExactly("admin@example.com");
            assertThat(a.messagesAdded(mailbox)).isEqualTo(6);
        }
    }
}
