package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class HeaderEnvelopeTest {

    private static byte[] mail(String headers) {
        return (headers + "\r\nbody\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void recipientsShouldComeFromToCcAndBccWithoutDuplicates() throws Exception {
        HeaderEnvelope.Addresses addresses = HeaderEnvelope.derive(mail(
                "From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>, carol@example.com\r\n"
                        + "Cc: bob@example.com\r\nBcc: dave@example.com\r\n"));

        assertThat(addresses.mailFrom()).isEqualTo("alice@example.com");
        assertThat(addresses.recipients()).containsExactly("bob@example.com", "carol@example.com", "dave@example.com");
    }

    @Test
    void theSenderShouldPreferReturnPathThenSenderThenFrom() throws Exception {
        assertThat(HeaderEnvelope.derive(mail("Return-Path: <bounce@example.com>\r\nSender: s@example.com\r\n"
                + "From: f@example.com\r\nTo: x@example.com\r\n")).mailFrom()).isEqualTo("bounce@example.com");
        assertThat(HeaderEnvelope.derive(mail("Sender: s@example.com\r\nFrom: f@example.com\r\nTo: x@example.com\r\n"))
                .mailFrom()).isEqualTo("s@example.com");
        assertThat(HeaderEnvelope.derive(mail("Return-Path: <>\r\nTo: x@example.com\r\n")).mailFrom()).isEmpty();
    }

    @Test
    void aMailWithoutRecipientsShouldBeRejectedWithAReason() {
        assertThatThrownBy(() -> HeaderEnvelope.derive(mail("From: a@example.com\r\nSubject: x\r\n")))
                .isInstanceOf(RejectedMailException.class).hasMessageContaining("no recipient");
    }

    @Test
    void aBrokenAddressShouldBeRejectedNamingTheAddress() {
        assertThatThrownBy(() -> HeaderEnvelope.derive(mail("To: <unclosed@example.com\r\n")))
                .isInstanceOf(RejectedMailException.class).hasMessageContaining("<unclosed@example.com");
    }

    @Test
    void fieldsShouldBeReadAsTheRewriteReadsThem() throws Exception {
        byte[] mail = mail("From: a@example.com\r\nTo: b@example.com,\r\n c@example.com\r\nBCC\t: d@example.com\r\n"
                + "bcc: e@example.com\r\n");

        assertThat(HeaderEnvelope.derive(mail).recipients())
                .containsExactly("b@example.com", "c@example.com", "d@example.com", "e@example.com");
        assertThat(new String(IngressHeaders.rewrite(mail, IngressHeaders.Recipients.FROM_HEADERS).mail(),
                StandardCharsets.US_ASCII)).doesNotContainIgnoringCase("bcc").doesNotContain("d@example.com", "e@example.com");
    }

    @Test
    void aBrokenOrRefusedBccAddressShouldBeRejectedWithoutQuotingIt() {
        assertThatThrownBy(() -> HeaderEnvelope.derive(mail("To: b@example.com\r\nBcc: <secret@example.org\r\n")))
                .isInstanceOf(RejectedMailException.class).hasMessageContaining("Bcc").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> HeaderEnvelope.derive(mail("To: b@example.com\r\nBcc: \"se cret\"@example.org\r\n")))
                .isInstanceOf(RejectedMailException.class).hasMessageContaining("Bcc").hasMessageNotContaining("cret");
    }

    @Test
    void fieldsAfterTheEmptyLineShouldNotBeRecipients() {
        assertThatThrownBy(() -> HeaderEnvelope.derive(mail("Subject: x\r\n\r\nTo: body@example.com\r\n")))
                .isInstanceOf(RejectedMailException.class).hasMessageContaining("no recipient");
    }
}
