package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.Queues;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.PythonSmtpClient;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * A node process with SMTP in and out, on a standalone broker process, as an MTA would use it:
 * Python's smtplib hands mail in, a real SMTP server in the test receives it. A broker killed in
 * the middle of an SMTP session makes the client hear 4xx, never 250, and nothing is lost.
 */
class SmtpIT {

    @TempDir
    Path dir;

    @Test
    void mailShouldGoThroughANodeProcessAndABrokerKilledMidSessionShouldYield4xx() throws Exception {
        int smtpPort = TestHome.freePort();
        try (Cluster cluster = new Cluster(dir, "smtp"); SmtpSink relay = SmtpSink.start(TestHome.freePort())) {
            cluster.startBroker();
            MailgridProcess a = cluster.startNode("a", TestHome.routes(),
                    "mailgrid.smtp.port=" + smtpPort, "mailgrid.delivery.relay=smtp://127.0.0.1:" + relay.port());
            assertThat(a.currentRun()).contains("smtp 127.0.0.1:" + smtpPort)
                    .contains("SMTP relay 127.0.0.1:" + relay.port());

            TestMail first = TestMail.to("bob@example.com").subject("first \u00fcber SMTP").header("X-Long", "l".repeat(8000));
            Path file = Files.write(dir.resolve("first.eml"), first.bytes());
            PythonSmtpClient.Result sent = PythonSmtpClient.send(smtpPort, "alice@example.com",
                    List.of("bob@example.com", "carol@example.com", "dave@example.org"), file);
            assertThat(sent.exitCode()).as(sent.output()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> relay.received().size() == 1);
            assertThat(relay.received().get(0).recipients())
                    .containsExactly("bob@example.com", "carol@example.com", "dave@example.org");
            assertThat(new Maildir.Delivered(file, relay.received().get(0).bytes()).original()).isEqualTo(first.bytes());
            // the relay's 250 comes just before the delivery commits; a broker killed in between redelivers the
            // mail (SMTP delivery is at least once, README "When a duplicate can occur"): kill it after the commit
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.depth(Queues.outbound("a")) == 0);

            try (SmtpConversation smtp = SmtpConversation.open(smtpPort)) {
                smtp.send("EHLO mta.example.net");
                assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
                assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
                cluster.killBroker();
                long start = System.nanoTime();
                assertThat(smtp.data(TestMail.to("bob@example.com").subject("while the broker is dead").bytes()))
                        .as("never 250 for a mail the broker did not store").startsWith("451 4.3.0");
                System.out.printf("broker killed: DATA answered 451 after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            }

            cluster.startBroker();
            TestMail second = TestMail.to("erin@example.com").subject("after the restart");
            PythonSmtpClient.Result again = PythonSmtpClient.send(smtpPort, "alice@example.com",
                    List.of("erin@example.com"), Files.write(dir.resolve("second.eml"), second.bytes()));
            assertThat(again.exitCode()).as(again.output()).isZero();
            await().atMost(Duration.ofSeconds(60)).until(() -> relay.received().size() == 2);
            assertThat(relay.received().get(1).recipients()).containsExactly("erin@example.com");
            await().atMost(Duration.ofSeconds(30)).until(() -> cluster.depth(Queues.outbound("a")) == 0
                    && cluster.depth(Queues.mailbox("a")) == 0);
            assertThat(relay.received()).as("the refused mail never appears").hasSize(2);
            assertThat(relay.mailIdCounts()).as("each relayed exactly once, by mail id").hasSize(2)
                    .allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        }
    }
}
