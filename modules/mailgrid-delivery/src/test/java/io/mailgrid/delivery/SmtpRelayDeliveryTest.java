package io.mailgrid.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.mailgrid.core.ConfigException;
import io.mailgrid.core.ControlCharacters;
import io.mailgrid.core.MailProperty;
import io.mailgrid.core.MailgridConfig;
import io.mailgrid.core.Stamp;
import io.mailgrid.testing.SmtpSink;
import io.mailgrid.testing.TestHome;
import io.mailgrid.testing.TestMail;

/** Delivery to real SMTP servers: a scripted sink that records bytes, and GreenMail. */
class SmtpRelayDeliveryTest {

    private SmtpSink sink;
    private SmtpRelayDelivery delivery;

    @BeforeEach
    void startSink() {
        sink = SmtpSink.start(TestHome.freePort());
        delivery = new SmtpRelayDelivery("127.0.0.1", sink.port(), Duration.ofSeconds(10), "mailgrid.test", 3);
    }

    @AfterEach
    void stopSink() {
        delivery.close();
        sink.close();
    }

    private static Map<String, Object> properties(String from, String recipients, int deliveryCount) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(MailProperty.MAIL_ID, "6f1c2e0a-0000-4000-8000-000000000001");
        properties.put(MailProperty.ORIGIN, "a");
        properties.put(MailProperty.MAIL_FROM, from);
        properties.put(MailProperty.RCPT_TO, recipients);
        properties.put(MailProperty.SOURCE, "smtp");
        properties.put(MailProperty.RECEIVED_AT, Instant.parse("2026-11-25T12:00:00Z").toEpochMilli());
        properties.put(MailProperty.SIZE, 100L);
        properties.put(MailProperty.GENERATION, 0);
        properties.put(MailProperty.VERDICT, "CLEAN");
        properties.put(MailProperty.CHECKS, "pass-all");
        properties.put(MailProperty.PROCESSED_BY, "b");
        properties.put(MailProperty.PROCESSED_AT, Instant.parse("2026-11-25T12:00:01Z").toEpochMilli());
        properties.put(MailProperty.DELIVERY_COUNT, deliveryCount);
        return properties;
    }

    @Test
    void everyRecipientAcceptedShouldRelayTheStampedBytesWithTheOriginalEnvelope() throws Exception {
        byte[] mail = TestMail.to("bob@example.com").header("X-Long", "q".repeat(3000))
                .body("8-bit: \u00e4\u00f6\u00fc \u20ac\r\n.a line with a leading dot\r\n").bytes();
        Map<String, Object> properties = properties("alice@example.com", "bob@example.com,carol@example.com,dave@example.org", 1);

        delivery.deliver(properties, mail);

        assertThat(sink.received()).singleElement().satisfies(received -> {
            assertThat(received.from()).isEqualTo("alice@example.com");
            assertThat(received.recipients()).containsExactly("bob@example.com", "carol@example.com", "dave@example.org");
            assertThat(received.bytes()).isEqualTo(concat(Stamp.render(properties, mail), mail));
        });
        assertThat(properties).doesNotContainKeys(MailProperty.DEFERRED_RCPT, MailProperty.REFUSED_RCPT);
    }

    @Test
    void theRelaysReplyToTheEndOfDataShouldComeBackOnOneLineEscapedAndBounded() throws Exception {
        sink.replyToData("2.0.0 Ok: queued as 4XyZ12");
        assertThat(delivery.deliver(properties("alice@example.com", "bob@example.com", 1), TestMail.to("bob@example.com").bytes()))
                .hasValue("250 2.0.0 Ok: queued as 4XyZ12");

        // remote input: a second line, terminal escapes and long text must not reach a log line as such
        sink.replyToData("2.0.0 Ok\r\nINFO forged\u001b[2J\u0007" + "y".repeat(300));
        String reply = delivery.deliver(properties("alice@example.com", "bob@example.com", 1), TestMail.to("bob@example.com").bytes())
                .orElseThrow();
        assertThat(reply).startsWith("250-2.0.0 Ok 250 INFO forged\\u001b[2J\\u0007yyy").endsWith("y...").hasSizeLessThan(250);
        assertThat(reply).matches(text -> text.chars().noneMatch(c -> ControlCharacters.isUnsafe((char) c)), "no control character left");
    }

    @Test
    void theNullSenderShouldStayTheNullSender() throws Exception {
        delivery.deliver(properties("", "bob@example.com", 1), TestMail.to("bob@example.com").bytes());

        assertThat(sink.received()).singleElement().satisfies(received -> assertThat(received.from()).isEmpty());
    }

    @Test
    void bareLineFeedsShouldBecomeCrlfAndNothingElseShouldChange() throws Exception {
        byte[] mail = TestMail.to("bob@example.com").lf().subject("Gr\u00fc\u00dfe").body("one\n.two\nthree\n").bytes();
        Map<String, Object> properties = properties("alice@example.com", "bob@example.com", 1);

        delivery.deliver(properties, mail);

        String sent = new String(concat(Stamp.render(properties, mail), mail), StandardCharsets.ISO_8859_1);
        assertThat(new String(sink.received().get(0).bytes(), StandardCharsets.ISO_8859_1))
                .isEqualTo(sent.replace("\n", "\r\n"));
    }

    @Test
    void aRecipientRefusedWhileOthersAreTakenShouldBeListedWithTheRelaysReply() throws Exception {
        sink.refuse("carol@example.com", 550, "5.1.1 <carol@example.com>: Recipient address rejected: User unknown");
        Map<String, Object> properties = properties("alice@example.com", "bob@example.com,carol@example.com,dave@example.org", 1);

        delivery.deliver(properties, TestMail.to("bob@example.com").bytes());

        assertThat(sink.recipients()).containsExactly("bob@example.com", "dave@example.org");
        assertThat(properties.get(MailProperty.REFUSED_RCPT)).isEqualTo("carol@example.com");
        assertThat((String) properties.get(MailProperty.REFUSED_REASON))
                .contains("550 5.1.1 <carol@example.com>: Recipient address rejected: User unknown");
        assertThat(properties).doesNotContainKey(MailProperty.DEFERRED_RCPT);
    }

    @Test
    void aRecipientDeferredWhileOthersAreTakenShouldBeListedForALaterAttempt() throws Exception {
        sink.refuse("carol@example.com", 451, "4.3.0 try again later");
        Map<String, Object> properties = properties("alice@example.com", "bob@example.com,carol@example.com", 1);

        delivery.deliver(properties, TestMail.to("bob@example.com").bytes());

        assertThat(sink.recipients()).containsExactly("bob@example.com");
        assertThat(properties.get(MailProperty.DEFERRED_RCPT)).isEqualTo("carol@example.com");
        assertThat(properties).doesNotContainKey(MailProperty.REFUSED_RCPT);
    }

    @Test
    void everyRecipientRefusedShouldBeAPermanentFailureQuotingTheReply() {
        sink.refuse("bob@example.com", 550, "5.1.1 no such user");

        assertThatThrownBy(() -> delivery.deliver(properties("alice@example.com", "bob@example.com", 1),
                TestMail.to("bob@example.com").bytes()))
                .isInstanceOf(PermanentDeliveryException.class)
                .hasMessageContaining("<bob@example.com>: 550 5.1.1 no such user");
        assertThat(sink.received()).isEmpty();
    }

    @Test
    void everyRecipientDeferredShouldBeATemporaryFailureUntilTheLastAttempt() {
        sink.refuse("bob@example.com", 452, "4.2.2 mailbox full");

        assertThatThrownBy(() -> delivery.deliver(properties("alice@example.com", "bob@example.com", 1),
                TestMail.to("bob@example.com").bytes()))
                .isInstanceOf(TemporaryDeliveryException.class).hasMessageContaining("452 4.2.2 mailbox full");
        Map<String, Object> third = properties("alice@example.com", "bob@example.com", 2);
        third.put(MailProperty.RELAY_ATTEMPTS, 1);
        assertThatThrownBy(() -> delivery.deliver(third, TestMail.to("bob@example.com").bytes()))
                .as("attempt 3 of 3 (one earlier copy, second delivery of this one)")
                .isInstanceOf(PermanentDeliveryException.class)
                .hasMessageContaining("still deferred at attempt 3 of 3: 452 4.2.2 mailbox full");
    }

    @Test
    void aRelayThatIsDownShouldBeATemporaryFailure() {
        sink.close();

        assertThatThrownBy(() -> delivery.deliver(properties("alice@example.com", "bob@example.com", 1),
                TestMail.to("bob@example.com").bytes()))
                .isInstanceOf(TemporaryDeliveryException.class).hasMessageContaining("127.0.0.1:" + sink.port());
    }

    // --- a hung node must not finish a delivery a peer may have made (case 4) ---

    @Test
    void aFenceThatSaysTheMailIsLostShouldStopTheDeliveryBeforeMailFrom() {
        List<String> asked = new ArrayList<>();
        DeliveryFence lost = step -> {
            asked.add(step);
            throw new FencedException("this process did not run for 12.0 s");
        };

        assertThatThrownBy(() -> delivery.deliver(properties("alice@example.com", "bob@example.com", 1),
                TestMail.to("bob@example.com").bytes(), lost))
                .isInstanceOf(FencedException.class).isInstanceOf(TemporaryDeliveryException.class);
        assertThat(asked).containsExactly("MAIL FROM");
        assertThat(sink.received()).isEmpty();
    }

    @Test
    void aFenceThatFailsBeforeTheFinalDotShouldLeaveTheRelayWithoutTheMail() {
        List<String> asked = new ArrayList<>();
        DeliveryFence lostDuringData = step -> {
            asked.add(step);
            if (step.equals("the end of DATA")) {
                throw new FencedException("this process did not run for 12.0 s (just woke up)");
            }
        };
        byte[] mail = TestMail.to("bob@example.com").body("x".repeat(200_000) + "\r\n").bytes();

        assertThatThrownBy(() -> delivery.deliver(properties("alice@example.com", "bob@example.com", 1), mail,
                lostDuringData)).isInstanceOf(FencedException.class);
        assertThat(asked).containsExactly("MAIL FROM", "the end of DATA");
        // the relay saw the whole body but never the final dot: it discards the mail
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> sink.received().isEmpty());
    }

    @Test
    void aFenceThatPassesShouldAskBeforeMailFromAndBeforeTheFinalDot() throws Exception {
        List<String> asked = new ArrayList<>();

        delivery.deliver(properties("alice@example.com", "bob@example.com", 1), TestMail.to("bob@example.com").bytes(),
                asked::add);

        assertThat(asked).containsExactly("MAIL FROM", "the end of DATA");
        assertThat(sink.received()).hasSize(1);
    }

    @Test
    void greenMailShouldReceiveTheMailForEveryRecipient() throws Exception {
        int port = TestHome.freePort();
        GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        try {
            SmtpRelayDelivery toGreenMail = new SmtpRelayDelivery("127.0.0.1", port, Duration.ofSeconds(10), "mailgrid.test", 3);
            TestMail mail = TestMail.to("bob@example.com").subject("to GreenMail");

            toGreenMail.deliver(properties("alice@example.com", "bob@example.com,carol@example.com", 1), mail.bytes());

            MimeMessage[] received = greenMail.getReceivedMessages();
            assertThat(received).hasSize(2);
            assertThat(received).allSatisfy(m -> {
                assertThat(m.getSubject()).isEqualTo("to GreenMail");
                assertThat(m.getHeader("X-Mailgrid-Verdict")).containsExactly("CLEAN");
                assertThat(m.getMessageID()).isEqualTo(mail.messageId());
            });
            assertThat(greenMail.getReceivedMessagesForDomain("example.com")).hasSize(2);
        } finally {
            greenMail.stop();
        }
    }

    @Test
    void aRelayUrlThatIsNotSmtpShouldFailNamingTheKey() {
        assertRefusedNaming(DeliverySettingsCatalog.DELIVERY_RELAY, relaySettingsWith(DeliverySettingsCatalog.DELIVERY_RELAY, "http://x:25"));
        assertThat(SmtpRelayDelivery.from(relaySettingsWith(DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:10025"), 3).describe())
                .isEqualTo("SMTP relay 127.0.0.1:10025");
        assertThat(SmtpRelayDelivery.from(relaySettingsWith(DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://relay.example.net"), 3).describe())
                .isEqualTo("SMTP relay relay.example.net:25");
    }

    @Test
    void aNegativeNumberOfKeptConnectionsShouldFailNamingTheKey() {
        assertRefusedNaming(DeliverySettingsCatalog.DELIVERY_RELAY_CONNECTIONS,
                relaySettingsWith(DeliverySettingsCatalog.DELIVERY_RELAY_CONNECTIONS, "-1"));
        assertRefusedNaming(DeliverySettingsCatalog.DELIVERY_RELAY_IDLE_TIME,
                relaySettingsWith(DeliverySettingsCatalog.DELIVERY_RELAY_IDLE_TIME, "soon"));
    }

    /** Good relay settings (relay, timeout, kept connections, idle time) with one value changed. */
    private static MailgridConfig relaySettingsWith(String key, String value) {
        return MailgridConfig.of(Map.of(DeliverySettingsCatalog.DELIVERY_RELAY, "smtp://127.0.0.1:10025",
                DeliverySettingsCatalog.DELIVERY_RELAY_TIMEOUT, "1s", DeliverySettingsCatalog.DELIVERY_RELAY_CONNECTIONS, "8",
                DeliverySettingsCatalog.DELIVERY_RELAY_IDLE_TIME, "10s")).with(key, value);
    }

    /** The relay is refused at start-up with a message naming the bad key. */
    private static void assertRefusedNaming(String key, MailgridConfig settings) {
        assertThatThrownBy(() -> SmtpRelayDelivery.from(settings, 3)).isInstanceOf(ConfigException.class).hasMessageContaining(key);
    }

    // --- connections kept between mails (docs/adr/0044) ---

    @Test
    void mailsOneAfterAnotherShouldGoOverOneConnection() throws Exception {
        for (int i = 1; i <= 3; i++) {
            Map<String, Object> properties = properties("alice@example.com", "bob@example.com", 1);
            properties.put(MailProperty.MAIL_ID, "6f1c2e0a-0000-4000-8000-00000000000" + i);
            delivery.deliver(properties, TestMail.to("bob@example.com").bytes());
        }

        assertThat(sink.mailIdCounts()).hasSize(3).allSatisfy((id, copies) -> assertThat(copies).isOne());
        assertThat(sink.connections()).isOne();
    }

    @Test
    void noKeptConnectionsShouldMeanANewConnectionPerMail() throws Exception {
        SmtpRelayDelivery oneEach = new SmtpRelayDelivery("127.0.0.1", sink.port(), Duration.ofSeconds(10), "mailgrid.test", 3,
                new SmtpRelayDelivery.Reuse(0, Duration.ofSeconds(10)), Clock.systemUTC());

        oneEach.deliver(properties("alice@example.com", "bob@example.com", 1), TestMail.to("bob@example.com").bytes());
        oneEach.deliver(properties("alice@example.com", "carol@example.com", 1), TestMail.to("carol@example.com").bytes());

        assertThat(sink.received()).hasSize(2);
        assertThat(sink.connections()).isEqualTo(2);
    }

    @Test
    void aKeptConnectionTheRelayClosedMeanwhileShouldCostTheNextMailNothing() throws Exception {
        delivery.deliver(properties("alice@example.com", "bob@example.com", 1), TestMail.to("bob@example.com").bytes());
        int port = sink.port();
        sink.close(); // the relay restarts: the connection kept for the next mail is closed by the relay
        sink = SmtpSink.start(port);
        Map<String, Object> second = properties("alice@example.com", "carol@example.com", 1);
        second.put(MailProperty.MAIL_ID, "6f1c2e0a-0000-4000-8000-000000000002");

        delivery.deliver(second, TestMail.to("carol@example.com").bytes());

        assertThat(sink.received()).singleElement().satisfies(received ->
                assertThat(received.recipients()).containsExactly("carol@example.com"));
    }

    @Test
    void aMailWhoseFinalDotGotNoAnswerInTimeShouldLeaveItsConnectionSoTheLateAnswerCannotAnswerTheNextMail()
            throws Exception {
        SmtpRelayDelivery impatient = new SmtpRelayDelivery("127.0.0.1", sink.port(), Duration.ofSeconds(1), "mailgrid.test", 3);
        SmtpSink.Hold answer = sink.holdAnswer("bob@example.com");
        try {
            assertThatThrownBy(() -> impatient.deliver(properties("alice@example.com", "bob@example.com", 1),
                    TestMail.to("bob@example.com").bytes())).isInstanceOf(TemporaryDeliveryException.class);
        } finally {
            answer.release();
        }
        Map<String, Object> second = properties("alice@example.com", "carol@example.com", 1);
        second.put(MailProperty.MAIL_ID, "6f1c2e0a-0000-4000-8000-000000000002");

        impatient.deliver(second, TestMail.to("carol@example.com").bytes());

        // the first mail counts as not delivered (rolled back, sent again later: at least once, as without
        // kept connections); the second went on a connection of its own, never behind the first's late 250
        await().atMost(Duration.ofSeconds(5)).until(() -> sink.received().size() == 2);
        assertThat(sink.connections()).isEqualTo(2);
    }

    @Test
    void aConnectionWhoseRecipientsWereAllRefusedShouldBeResetAndKept() throws Exception {
        sink.refuseFirst("bob@example.com", 1, 550, "5.1.1 no such user");

        assertThatThrownBy(() -> delivery.deliver(properties("alice@example.com", "bob@example.com", 1),
                TestMail.to("bob@example.com").bytes())).isInstanceOf(PermanentDeliveryException.class);
        delivery.deliver(properties("alice@example.com", "carol@example.com", 1), TestMail.to("carol@example.com").bytes());

        assertThat(sink.received()).singleElement().satisfies(received -> {
            assertThat(received.from()).isEqualTo("alice@example.com");
            assertThat(received.recipients()).containsExactly("carol@example.com");
        });
        assertThat(sink.connections()).isOne();
    }

    @Test
    void closingShouldEndTheKeptConnections() throws Exception {
        delivery.deliver(properties("alice@example.com", "bob@example.com", 1), TestMail.to("bob@example.com").bytes());

        delivery.close();

        // a delivery after close still works, on a connection of its own that is not kept
        delivery.deliver(properties("alice@example.com", "carol@example.com", 1), TestMail.to("carol@example.com").bytes());
        assertThat(sink.connections()).isEqualTo(2);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

}
