package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.CoreSettingsCatalog;
import io.mailgrid.ingress.IngressSettingsCatalog;
import io.mailgrid.testing.SmtpConversation;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/**
 * SMTP ingress takes the bytes it buffers from the same {@code mailgrid.memory.mail-budget} as the
 * grabbers and deliveries: while they hold it, a client hears {@code 452 4.3.1} (at MAIL FROM when it
 * declares SIZE, after DATA when the mail would not fit) and tries again later, instead of the
 * node running out of heap.
 */
class SmtpMemoryBudgetTest {

    @TempDir
    Path dir;

    @Test
    void smtpShouldAnswer452WhileTheGrabbersHoldTheMemoryBudgetAndAcceptOnceTheyReleaseIt() throws Exception {
        int smtpPort = TestHome.freePort();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Map<String, String> settings = Map.of(IngressSettingsCatalog.SMTP_PORT, String.valueOf(smtpPort),
                CoreSettingsCatalog.MEMORY_MAIL_BUDGET, "3MB", IngressSettingsCatalog.SMTP_SIZE_LIMIT, "1000000");
        try (TestNode a = TestNode.withFirstPolicyStep(dir, settings, exchange -> {
            if (exchange.getMessage().getBody(String.class).contains("HOLD-THE-BUDGET")) {
                held.countDown();
                release.await(60, TimeUnit.SECONDS);
            }
        })) {
            // a 900 KB mail in a grabber holds 3 x 900 KB of the 3 MB budget
            a.publish(TestMail.to("bob@example.com").subject("HOLD-THE-BUDGET").body(lines(900_000)));
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();

            try (SmtpConversation smtp = SmtpConversation.open(smtpPort)) {
                smtp.send("EHLO client.example.net");
                assertThat(smtp.send("MAIL FROM:<alice@example.com> SIZE=500000"))
                        .as("declared size does not fit the budget now").startsWith("452 4.3.1");

                assertThat(smtp.send("MAIL FROM:<alice@example.com>")).startsWith("250");
                assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
                assertThat(smtp.data(TestMail.to("bob@example.com").subject("too big for now").body(lines(600_000)).bytes()))
                        .as("the mail outgrew the free budget while it arrived").startsWith("452 4.3.1");

                assertThat(smtp.send("MAIL FROM:<alice@example.com>")).as("the session goes on").startsWith("250");
                assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
                assertThat(smtp.data(TestMail.to("bob@example.com").subject("small").bytes())).startsWith("250");

                release.countDown();
                await().atMost(Duration.ofSeconds(30)).until(() -> a.outbox().count() == 2);

                // a route gives its share of the budget back when it completes, just after the Maildir write
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> smtp.send("MAIL FROM:<alice@example.com> SIZE=500000").startsWith("250"));
                assertThat(smtp.send("RCPT TO:<bob@example.com>")).startsWith("250");
                assertThat(smtp.data(TestMail.to("bob@example.com").subject("fits now").body(lines(500_000)).bytes()))
                        .startsWith("250");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> a.outbox().count() == 3);
            assertThat(a.outbox().mails()).extracting(m -> m.header("Subject").orElse(""))
                    .containsExactlyInAnyOrder("HOLD-THE-BUDGET", "small", "fits now");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aSizeLimitLargerThanTheMemoryBudgetShouldStopTheNodeAtStartUpNamingBothKeys() {
        Map<String, String> settings = Map.of(IngressSettingsCatalog.SMTP_PORT, String.valueOf(TestHome.freePort()),
                CoreSettingsCatalog.MEMORY_MAIL_BUDGET, "1MB", IngressSettingsCatalog.SMTP_SIZE_LIMIT, "2000000");

        assertThatThrownBy(() -> TestNode.start(dir, settings).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(IngressSettingsCatalog.SMTP_SIZE_LIMIT)
                .hasMessageContaining(CoreSettingsCatalog.MEMORY_MAIL_BUDGET);
    }

    /** About {@code size} bytes of 76-character lines. */
    private static byte[] lines(int size) {
        return ("x".repeat(76) + "\r\n").repeat(size / 78).getBytes(StandardCharsets.US_ASCII);
    }
}
