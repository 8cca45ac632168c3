package io.mailgrid.node.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class MailLogTest {

    private static byte[] mail(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theMessageIdShouldBeFoundInAnyCaseAndUnfolded() {
        assertThat(MailLog.messageId(mail("From: a@x\r\nmessage-id:\r\n <1@x>\r\nSubject: s\r\n\r\nbody"))).isEqualTo("<1@x>");
        assertThat(MailLog.messageId(mail("Message-ID: <2@x>\n\nbody"))).isEqualTo("<2@x>");
    }

    @Test
    void aMessageIdInTheBodyOrMissingShouldNotCount() {
        assertThat(MailLog.messageId(mail("From: a@x\r\n\r\nMessage-ID: <body@x>\r\n"))).isEqualTo("-");
        assertThat(MailLog.messageId(new byte[0])).isEqualTo("-");
    }

    @Test
    void aForgedMessageIdShouldNotBreakTheLogLine() {
        assertThat(MailLog.messageId(mail("Message-ID: <3@x>\u001b[2J\rINFO forged\r\n\r\n"))).doesNotContain("\u001b").doesNotContain("\r");
        assertThat(MailLog.messageId(mail("Message-ID: <" + "x".repeat(10_000) + ">\r\n\r\n"))).hasSize(256);
    }
}
