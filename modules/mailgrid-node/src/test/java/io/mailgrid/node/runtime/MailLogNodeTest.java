package io.mailgrid.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.core.ControlCharacters;
import io.mailgrid.core.MailProperty;
import io.mailgrid.delivery.DeliverySettingsCatalog;
import io.mailgrid.testing.LogCapture;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/** One INFO line per delivered mail, with the mail id in its MDC and the next hop's reply in it. */
class MailLogNodeTest {

    @TempDir
    Path dir;

    @Test
    void aRelayedMailShouldLogOneLineWithItsEnvelopeAndTheRelaysReplySoItCanBeFollowedIntoTheRelaysLog() throws Exception {
        // the next hop names its queue id in its reply to the end of DATA, as Postfix does
        try (LogCapture log = LogCapture.of("io.mailgrid.node.route.MailLog");
                SmtpSink relay = SmtpSink.start(TestHome.freePort()).replyToData("2.0.0 Ok: queued as 4XyZ12");
                TestNode a = TestNode.start(dir, Map.of(DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:" + relay.port()))) {
            String id = a.publish(TestMail.to("bob@example.com").messageId("<trace-me@example.com>"));

            await().atMost(Duration.ofSeconds(30)).until(() -> !log.lines().isEmpty());
            assertThat(log.lines()).singleElement().satisfies(line -> {
                assertThat(line.mdc(MailProperty.MAIL_ID)).isEqualTo(id);
                assertThat(line.message())
                        .startsWith("Mail " + id + " delivered: message-id <trace-me@example.com>, from <alice@example.com>,"
                                + " 2 recipient(s), ")
                        .contains("verdict CLEAN").contains("checked by a")
                        .endsWith("to SMTP relay 127.0.0.1:" + relay.port() + " (250 2.0.0 Ok: queued as 4XyZ12)");
                assertThat(line.keyValues()).as("a field of its own for JSON log shippers")
                        .contains("next_hop_reply=\"250 2.0.0 Ok: queued as 4XyZ12\"");
            });

            // a relay's reply is remote input: a forged second line and terminal escapes stay inside the one line, escaped
            log.clear();
            relay.replyToData("2.0.0 Ok\r\n2026-12-01T00:00:00.000Z INFO Mail forged delivered\u001b[31m\u0007" + "x".repeat(300));
            String forged = a.publish(TestMail.to("bob@example.com").messageId("<forged@example.com>"));

            await().atMost(Duration.ofSeconds(30)).until(() -> !log.lines().isEmpty());
            assertThat(log.lines()).singleElement().satisfies(line -> {
                assertThat(line.message()).startsWith("Mail " + forged + " delivered:")
                        .contains("(250-2.0.0 Ok 250 2026-12-01T00:00:00.000Z INFO Mail forged delivered\\u001b[31m\\u0007xxx")
                        .endsWith("xxx...)").doesNotContain("x".repeat(200));
                assertThat(line.message()).matches(text -> text.chars().noneMatch(c -> ControlCharacters.isUnsafe((char) c)),
                        "no control character left");
            });
        }
    }
}
