package io.mailgrid.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.testing.ClientPace;
import io.mailgrid.testing.Maildir;
import io.mailgrid.testing.MailgridProcess;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * The network test of issue 11: a node started as {@code ./mailgrid run} starts it ({@code -Xmx256m},
 * embedded broker, shipped limits) under 16 clients each sending a mail just under the 10 MiB size
 * limit and 16 clients trickling a byte a second, all at once. The node stays up, a normal client
 * still gets its mails through, and every mail that got a 250 is delivered exactly once. Clients
 * behave as MTAs do: a 4xx, a 421 at connect or a dropped connection means "try again shortly".
 */
class SmtpOverloadIT {

    private static final int BIG = (10 << 20) - 4096;
    private static final Duration RUN = Duration.ofSeconds(150);

    @TempDir
    Path dir;

    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tempFailures = new AtomicInteger();
    private final AtomicBoolean attacking = new AtomicBoolean(true);
    private volatile MailgridProcess node;

    @Test
    void bigAndSlowClientsAtOnceShouldNeitherStopTheNodeNorKeepOthersOutNorLoseAcceptedMail() throws Exception {
        int brokerPort = TestHome.freePort();
        int smtpPort = TestHome.freePort();
        Path data = dir.resolve("a");
        Path logs = Path.of("target", "it-logs", "smtp-overload-" + System.currentTimeMillis()).toAbsolutePath();
        ExecutorService clients = Executors.newCachedThreadPool();
        // the DATA limit is shortened from 5m so the trickling clients are cut off (and come back) during the test
        try (MailgridProcess process = MailgridProcess.start("a", logs,
                List.of("mailgrid.broker.port=" + brokerPort, "mailgrid.smtp.port=" + smtpPort, "mailgrid.smtp.data-timeout=10s"),
                "run", "--node", "a", "--data", data.toString())) {
            node = process;
            long started = System.nanoTime();
            byte[] bigBody = bigBody();
            for (int i = 0; i < 16; i++) {
                clients.submit(() -> trickle(smtpPort));
            }
            List<Future<?>> senders = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String client = "127.0.1." + (i + 1); // one MTA each, so the per-address cap does not serialise them
                TestMail mail = TestMail.to("big" + i + "@example.com").subject("big " + i);
                senders.add(clients.submit(() -> sendUntilAccepted(client, smtpPort, mail, bigBody)));
            }
            List<Long> normalMillis = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                TestMail mail = TestMail.to("normal" + i + "@example.com").subject("normal " + i);
                sendUntilAccepted("127.0.0.1", smtpPort, mail, ("Hello " + i + ".\r\n").getBytes(StandardCharsets.US_ASCII));
                normalMillis.add((System.nanoTime() - start) / 1_000_000);
                assertThat(node.isAlive()).isTrue();
            }
            for (Future<?> sender : senders) {
                sender.get(RUN.toSeconds(), TimeUnit.SECONDS);
            }
            long acceptedAfter = (System.nanoTime() - started) / 1_000_000;
            // the tricklers still hold their slots: the DATA limit cuts them off (whatever the machine's speed)
            node.awaitLog("cut off: 421 4.4.2 The mail did not arrive", Duration.ofSeconds(30));
            attacking.set(false);

            Maildir outbox = Maildir.at(data.resolve("outbox"));
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> outbox.count() >= accepted.size());
            Map<String, Integer> delivered = Maildir.messageIdCounts(List.of(outbox));
            System.out.printf("SmtpOverloadIT: 26 mails accepted after %d ms (normal client: %s ms per mail), %d temporary"
                    + " failures (4xx/421) on the way, slow clients cut off %d times; delivered after %d ms; node peak RSS %s%n",
                    acceptedAfter, normalMillis, tempFailures.get(), cutOffs(node),
                    (System.nanoTime() - started) / 1_000_000, peakRss(node.pid()));

            assertThat(node.isAlive()).as("the node stays up").isTrue();
            assertThat(node.currentRun()).doesNotContain("OutOfMemoryError");
            assertThat(accepted).hasSize(26);
            assertThat(delivered.keySet()).as("every accepted mail delivered").containsExactlyInAnyOrderElementsOf(accepted);
            assertThat(delivered.values()).as("exactly once").allMatch(n -> n == 1);
        } finally {
            attacking.set(false);
            clients.shutdownNow();
            clients.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /** Sends one mail as an MTA does: a temporary failure means another try shortly. */
    private void sendUntilAccepted(String clientAddress, int port, TestMail mail, byte[] body) {
        long deadline = System.nanoTime() + RUN.toNanos();
        ClientPace retry = ClientPace.every(Duration.ofMillis(300)); // an MTA's "again shortly", at most
        while (System.nanoTime() < deadline) {
            if (!node.isAlive()) {
                throw new AssertionError("the node died; log " + node);
            }
            try (SmtpConversation smtp = SmtpConversation.openFrom(clientAddress, port)) {
                if (smtp.greeting().startsWith("220") && smtp.send("EHLO mta.example.net").startsWith("250")
                        && smtp.send("MAIL FROM:<alice@example.com> SIZE=" + (body.length + 300)).startsWith("250")
                        && smtp.send("RCPT TO:<bob@example.com>").startsWith("250")
                        && smtp.send("DATA").startsWith("354")) {
                    smtp.sendRaw(mail.body(new byte[0]).bytes()); // the header block; the body follows as it is
                    smtp.sendRaw(body);
                    smtp.sendRaw(".\r\n".getBytes(StandardCharsets.US_ASCII));
                    String reply = smtp.reply();
                    if (reply.startsWith("250")) {
                        accepted.add(mail.messageId());
                        return;
                    }
                    assertThat(reply).as("only temporary failures are expected").doesNotStartWith("5");
                }
            } catch (RuntimeException e) {
                // refused or reset connection: the node is busy (or gone: the test checks that separately)
            }
            tempFailures.incrementAndGet();
            retry.next();
        }
        throw new AssertionError("mail " + mail.messageId() + " not accepted within " + RUN);
    }

    /** A client that starts a mail and then sends one byte a second, for as long as the test attacks. */
    private void trickle(int port) {
        ClientPace reconnect = ClientPace.every(Duration.ofMillis(500));
        while (attacking.get()) {
            try (SmtpConversation smtp = SmtpConversation.openFrom("127.0.0.2", port)) {
                if (smtp.greeting().startsWith("220") && smtp.send("EHLO slow.example.net").startsWith("250")
                        && smtp.send("MAIL FROM:<slow@example.com>").startsWith("250")
                        && smtp.send("RCPT TO:<bob@example.com>").startsWith("250")
                        && smtp.send("DATA").startsWith("354")) {
                    ClientPace byteASecond = ClientPace.every(Duration.ofSeconds(1));
                    while (attacking.get()) {
                        smtp.sendRaw(new byte[] {'x'});
                        byteASecond.next();
                    }
                }
            } catch (RuntimeException e) {
                // the server closed the connection: start again
            }
            reconnect.next();
        }
    }

    private static long cutOffs(MailgridProcess node) {
        return node.currentRun().lines().filter(line -> line.contains("cut off: 421")).count();
    }

    private static byte[] bigBody() {
        byte[] line = ("y".repeat(998) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[BIG];
        for (int i = 0; i < body.length; i++) {
            body[i] = line[i % line.length];
        }
        body[body.length - 2] = '\r';
        body[body.length - 1] = '\n';
        return body;
    }

    private static String peakRss(long pid) {
        try {
            Optional<String> line = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:")).findFirst();
            return line.map(l -> l.substring(6).trim()).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
