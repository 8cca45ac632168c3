package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.broker.EmbeddedBroker;
import io.mailgrid.core.BrokerConnection;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.MemoryBudget;
import io.mailgrid.core.Queues;
import io.mailgrid.testing.ClientPace;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * Clients that hold a connection without getting anywhere, as an attacker would: trickling a mail
 * a byte at a time, keeping a session busy with NOOPs, opening every connection slot from one
 * address, sending junk commands. Each meets a limit and hears {@code 421}, then the connection is
 * closed, and nothing it half-sent is stored.
 */
class SmtpSlowClientTest {

    @TempDir
    static Path dir;
    static MailgridConfig brokerConfig;
    static EmbeddedBroker broker;
    static ActiveMQConnectionFactory factory;

    private final ExecutorService trickler = Executors.newSingleThreadExecutor();
    private SmtpIngress ingress;
    private MailPublisher publisher;
    private int port;

    @BeforeAll
    static void startBroker() {
        brokerConfig = TestHome.config("a", dir, TestHome.freePort(), Map.of());
        broker = EmbeddedBroker.start(brokerConfig, dir.resolve("broker"));
        factory = BrokerConnection.forCommand(brokerConfig);
    }

    @AfterAll
    static void stopBroker() {
        factory.close();
        broker.close();
    }

    @AfterEach
    void stopIngress() {
        trickler.shutdownNow();
        if (ingress != null) {
            ingress.close();
            publisher.close();
        }
    }

    private void start(Map<String, String> settings) {
        port = TestHome.freePort();
        Map<String, String> values = new HashMap<>(settings);
        values.put(IngressSettingsCatalog.SMTP_PORT, String.valueOf(port));
        publisher = new MailPublisher(factory);
        ingress = new SmtpIngress(SmtpSettings.from(brokerConfig.with(values)), publisher, new MemoryBudget(64 << 20),
                "a", Clock.systemUTC(), Duration.ofSeconds(5));
        ingress.start();
    }

    @Test
    void aClientTricklingItsMailShouldGet421AtTheDataTimeLimitAndNothingShouldBeStored() {
        start(Map.of(IngressSettingsCatalog.SMTP_DATA_TIMEOUT, "1s"));
        long storedBefore = mailsStoredInMailbox();
        try (SmtpConversation smtp = SmtpConversation.open(port).readTimeout(Duration.ofSeconds(15))) {
            smtp.send("EHLO slow.example.net");
            smtp.send("MAIL FROM:<alice@example.com>");
            smtp.send("RCPT TO:<bob@example.com>");
            assertThat(smtp.send("DATA")).startsWith("354");
            long start = System.nanoTime();
            trickler.submit(() -> {
                // a byte every 100 ms until the server hangs up: never idle, however long the node takes to cut it off
                ClientPace pace = ClientPace.every(Duration.ofMillis(100));
                while (true) {
                    smtp.sendRaw(new byte[] {'x'});
                    pace.next();
                }
            });

            assertThat(smtp.reply()).as("cut off by the DATA limit, not the idle timeout")
                    .startsWith("421 4.4.2 The mail did not arrive within");
            // a generous upper bound: at the limit, not minutes later (the idle timeout), even on a loaded machine
            assertThat(millisSince(start)).as("at the limit").isBetween(900L, 10_000L);
            assertThat(smtp.reply()).as("then closed").startsWith("(closed");
        }
        assertThat(mailsStoredInMailbox()).as("nothing of the trickled mail stored").isEqualTo(storedBefore);
    }

    @Test
    void aBusySessionShouldGet421AtTheSessionTimeLimit() {
        start(Map.of(IngressSettingsCatalog.SMTP_SESSION_TIMEOUT, "1s"));
        try (SmtpConversation smtp = SmtpConversation.open(port).readTimeout(Duration.ofSeconds(15))) {
            long start = System.nanoTime();
            String reply = smtp.send("EHLO busy.example.net");
            // a NOOP every 100 ms: never idle, never still; bounded by a count, not by how fast the node is
            ClientPace pace = ClientPace.every(Duration.ofMillis(100));
            for (int noops = 0; reply.startsWith("250") && noops < 600; noops++) {
                pace.next();
                reply = smtp.send("NOOP");
            }
            assertThat(reply).as("cut off by the session limit").startsWith("421 4.4.2 Session time limit");
            assertThat(millisSince(start)).as("at the limit").isBetween(900L, 10_000L);
            assertThat(smtp.reply()).startsWith("(closed");
        }
    }

    @Test
    void aSilentSessionShouldGet421AtTheSessionTimeLimitBeforeTheIdleTimeout() {
        start(Map.of(IngressSettingsCatalog.SMTP_SESSION_TIMEOUT, "1s", IngressSettingsCatalog.SMTP_IDLE_TIMEOUT, "1m"));
        try (SmtpConversation smtp = SmtpConversation.open(port).readTimeout(Duration.ofSeconds(15))) {
            long start = System.nanoTime();
            assertThat(smtp.send("EHLO quiet.example.net")).startsWith("250");
            assertThat(smtp.reply()).as("the server speaks up at the limit").startsWith("421 4.4.2");
            assertThat(millisSince(start)).isBetween(800L, 5_000L);
        }
    }

    @Test
    void connectionsBeyondThePerClientLimitShouldGet421WhileOtherClientsStillConnect() {
        start(Map.of(IngressSettingsCatalog.SMTP_MAX_CONNECTIONS_PER_CLIENT, "2"));
        try (SmtpConversation first = SmtpConversation.openFrom("127.0.0.2", port);
                SmtpConversation second = SmtpConversation.openFrom("127.0.0.2", port)) {
            assertThat(first.greeting()).startsWith("220");
            assertThat(second.greeting()).startsWith("220");
            try (SmtpConversation third = SmtpConversation.openFrom("127.0.0.2", port)) {
                assertThat(third.greeting()).startsWith("421 4.7.0");
            }
            try (SmtpConversation other = SmtpConversation.openFrom("127.0.0.3", port)) {
                assertThat(other.greeting()).as("another address is not held back").startsWith("220");
            }
            second.send("QUIT");
            // the slot is given back when the session ends
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (SmtpConversation again = SmtpConversation.openFrom("127.0.0.2", port)) {
                    return again.greeting().startsWith("220");
                }
            });
        }
    }

    @Test
    void commandsWithoutProgressShouldGet421AndAnAcceptedMailShouldStartTheCountAfresh() {
        start(Map.of(IngressSettingsCatalog.SMTP_MAX_COMMANDS_WITHOUT_PROGRESS, "5"));
        try (SmtpConversation smtp = SmtpConversation.open(port)) {
            smtp.send("EHLO client.example.net");
            smtp.send("MAIL FROM:<alice@example.com>");
            for (int i = 0; i < 10; i++) {
                assertThat(smtp.send("RCPT TO:<r" + i + "@example.com>")).as("accepted recipients are progress").startsWith("250");
            }
            assertThat(smtp.data(TestMail.to("r0@example.com").bytes())).startsWith("250");

            for (int i = 0; i < 5; i++) {
                assertThat(smtp.send("NOOP")).startsWith("250");
            }
            assertThat(smtp.send("NOOP")).startsWith("421 4.7.0");
            assertThat(smtp.reply()).startsWith("(closed");
        }
        try (SmtpConversation junk = SmtpConversation.open(port)) {
            for (int i = 0; i < 5; i++) {
                assertThat(junk.send("XJUNK " + i)).as("unknown commands count too").startsWith("500");
            }
            assertThat(junk.send("XJUNK")).startsWith("421 4.7.0");
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * How many mails the broker ever put in node a's mailbox, as the broker counts them: exact once
     * the session has ended, with no consumer to wait for (another test of this class stores a mail).
     */
    private static long mailsStoredInMailbox() {
        Queue mailbox = broker.server().locateQueue(Queues.mailbox("a"));
        return mailbox == null ? 0 : mailbox.getMessagesAdded();
    }
}
