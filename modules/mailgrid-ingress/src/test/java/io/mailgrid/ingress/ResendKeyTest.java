package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ResendKeyTest {

    private static final byte[] DIGEST = new byte[32];

    private static Optional<String> key(String mail, String from, String... recipients) {
        return ResendKey.of(MailBody.of(mail.getBytes(StandardCharsets.UTF_8)), DIGEST, from, List.of(recipients));
    }

    @Test
    void theSameMailInTheSameEnvelopeShouldHaveTheSameKeyWhateverTheOrderOfRecipients() {
        String mail = "From: a@example.com\r\nMessage-ID: <1@example.com>\r\n\r\nHi\r\n";

        assertThat(key(mail, "a@example.com", "b@example.com", "c@example.com"))
                .isPresent()
                .isEqualTo(key(mail, "a@example.com", "c@example.com", "b@example.com"));
        assertThat(key(mail, "a@example.com", "b@example.com").orElseThrow()).hasSize(22);
    }

    @Test
    void anotherSenderRecipientOrBodyShouldGiveAnotherKey() {
        String mail = "Message-ID: <1@example.com>\r\n\r\nHi\r\n";
        String key = key(mail, "a@example.com", "b@example.com").orElseThrow();

        assertThat(key(mail, "x@example.com", "b@example.com")).isNotEqualTo(Optional.of(key));
        assertThat(key(mail, "a@example.com", "b@example.com", "c@example.com")).isNotEqualTo(Optional.of(key));
        assertThat(key(mail, "", "b@example.com")).isNotEqualTo(Optional.of(key));
        byte[] otherDigest = new byte[32];
        otherDigest[0] = 1;
        assertThat(ResendKey.key("<1@example.com>", "a@example.com", List.of("b@example.com"), otherDigest)).isNotEqualTo(key);
        assertThat(ResendKey.key("<1@example.com>", "a@example.com", List.of("b@example.com"), DIGEST)).isEqualTo(key);
    }

    @Test
    void aMailWithoutUsableMessageIdShouldHaveNoKey() {
        assertThat(key("Subject: none\r\n\r\nMessage-ID: <in-the-body@example.com>\r\n", "a@example.com", "b@example.com"))
                .as("a Message-ID in the body is not the mail's").isEmpty();
        assertThat(key("Message-ID:   \r\n\r\n", "a@example.com", "b@example.com")).isEmpty();
        assertThat(key("", "a@example.com", "b@example.com")).isEmpty();
        assertThat(key("X-Big: " + "x".repeat(ResendKey.MAX_HEADER_BYTES) + "\r\nMessage-ID: <late@example.com>\r\n\r\n",
                "a@example.com", "b@example.com")).as("beyond the headers read").isEmpty();
    }

    @Test
    void aFoldedOrOddlySpelledMessageIdHeaderShouldBeFound() {
        assertThat(ResendKey.messageId(MailBody.of("message-id:\r\n <folded@example.com>\r\n\r\n".getBytes(StandardCharsets.US_ASCII))))
                .contains("<folded@example.com>");
        assertThat(ResendKey.messageId(MailBody.of("Subject: x\nMessage-Id: <lf@example.com>\n\nbody\n".getBytes(StandardCharsets.US_ASCII))))
                .contains("<lf@example.com>");
    }
}
