package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EnvelopeTest {

    @Test
    void anEnvelopeShouldSurviveTheTripThroughMessageProperties() {
        Envelope sent = Envelope.received("a", "alice@example.com", List.of("bob@example.com", "carol@example.com"),
                "smtp", Instant.ofEpochMilli(1_700_000_000_123L), 42).withSmtpClient("127.0.0.1", "client.example");

        Map<String, Object> headers = new HashMap<>();
        headers.put(MailProperty.MAIL_ID, sent.mailId());
        headers.put(MailProperty.ORIGIN, "a");
        headers.put(MailProperty.MAIL_FROM, "alice@example.com");
        headers.put(MailProperty.RCPT_TO, "bob@example.com,carol@example.com");
        headers.put(MailProperty.SOURCE, "smtp");
        headers.put(MailProperty.CLIENT_ADDRESS, "127.0.0.1");
        headers.put(MailProperty.HELO, "client.example");
        headers.put(MailProperty.RECEIVED_AT, 1_700_000_000_123L);
        headers.put(MailProperty.SIZE, 42L);
        headers.put(MailProperty.GENERATION, 0);

        assertThat(MailMessage.envelope(headers)).isEqualTo(sent);
    }

    @Test
    void theNullSenderShouldBeAnEmptyAddress() {
        Envelope envelope = Envelope.received("a", null, List.of("bob@example.com"), "smtp", Instant.now(), 1);

        assertThat(envelope.mailFrom()).isEmpty();
    }

    @Test
    void addressesThatWouldBreakTheRecipientListShouldBeRefused() {
        assertThatThrownBy(() -> Envelope.received("a", "", List.of("a@x, b@y"), "smtp", Instant.now(), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Envelope.received("a", "", List.of(), "smtp", Instant.now(), 1))
                .hasMessageContaining("at least one recipient");
        assertThat(Envelope.isAcceptableAddress("\"odd local\"@example.com")).isFalse();
        assertThat(Envelope.isAcceptableAddress("o'brien+tag@example.com")).isTrue();
    }

    @Test
    void aMessageWithoutMailIdShouldBeRecognisedAsNotAMailgridMail() {
        assertThatThrownBy(() -> MailMessage.envelope(Map.of())).hasMessageContaining("not a Mailgrid mail");
    }

    @Test
    void duplicateIdsShouldDifferByStageAndGeneration() {
        assertThat(Stage.MAILBOX.duplicateId("m1", 0)).isEqualTo("m1:mailbox:0");
        assertThat(Stage.OUTBOUND.duplicateId("m1", 0)).isNotEqualTo(Stage.OUTBOUND.duplicateId("m1", 1));
    }
}
