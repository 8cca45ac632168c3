package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.Queues;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * RFC 1047's window across a cluster: node a stores a mail and is killed with {@code kill -9}
 * before its client read the 250, so the client, as MTAs do, sends the mail again, here to node b.
 * The mail is delivered once: b recognises the resend (same Message-ID, envelope and body) and
 * answers 250 without storing it, while a's stored copy is taken over and delivered by b.
 */
class SmtpResendIT {

    @TempDir
    Path dir;

    @Test
    void aMailStoredByANodeKilledBeforeItsReplyShouldBeDeliveredOnceWhenTheClientResendsItToAnotherNode() throws Exception {
        int smtpA = TestHome.freePort();
        int smtpB = TestHome.freePort();
        try (Cluster cluster = new Cluster(dir, "smtp-resend")) {
            cluster.startBroker();
            MailgridProcess a = cluster.launchNode("a", TestHome.routes(), "mailgrid.smtp.port=" + smtpA);
            MailgridProcess b = cluster.launchNode("b", TestHome.routes(), "mailgrid.smtp.port=" + smtpB).awaitReady();
            a.awaitReady();
            Cluster.awaitKnownUp(b, "a"); // b takes over a's mail after the kill only if it heard a before it
            TestMail mail = TestMail.to("bob@example.com").subject("stored, then the node died");

            try (SmtpConversation toA = SmtpConversation.open(smtpA)) {
                toA.send("EHLO mta.example.net");
                assertThat(toA.send("MAIL FROM:<alice@example.com>")).startsWith("250");
                assertThat(toA.send("RCPT TO:<bob@example.com>")).startsWith("250");
                assertThat(toA.send("DATA")).startsWith("354");
                toA.sendRaw(mail.bytes());
                toA.sendRaw(".\r\n".getBytes(StandardCharsets.US_ASCII));
                // a logs this once the broker confirmed the mail; the client does not read its reply,
                // so to the client the mail was never accepted: the reply was lost with the node
                a.awaitLog("Accepted mail", Duration.ofSeconds(30));
                a.kill9();
            }

            try (SmtpConversation toB = SmtpConversation.open(smtpB)) {
                toB.send("EHLO mta.example.net");
                assertThat(toB.send("MAIL FROM:<alice@example.com>")).startsWith("250");
                assertThat(toB.send("RCPT TO:<bob@example.com>")).startsWith("250");
                assertThat(toB.data(mail.bytes())).as("the resend is answered, so the client stops").startsWith("250 2.0.0");
            }

            // b takes over a's mailbox and outbound queue and delivers a's copy: one mail id (the one a gave
            // it; the client never heard it) in one file, carrying the client's Message-ID
            await().atMost(Duration.ofSeconds(60)).until(() -> !cluster.deliveredCounts("a", "b").isEmpty()
                    && cluster.depth(Queues.mailbox("a")) == 0 && cluster.depth(Queues.mailbox("b")) == 0
                    && cluster.depth(Queues.outbound("a")) == 0 && cluster.depth(Queues.outbound("b")) == 0);
            Map<String, Integer> delivered = cluster.deliveredCounts("a", "b");
            assertThat(delivered).hasSize(1);
            cluster.assertEveryMailDeliveredOnce(List.copyOf(delivered.keySet()), "a", "b");
            assertThat(Stream.concat(cluster.outbox("a").mails().stream(), cluster.outbox("b").mails().stream())
                    .map(m -> m.header("Message-ID").orElse(""))).containsExactly(mail.messageId());
        }
    }
}
