package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The tag outcome's marks: which bytes change. */
class MailTagTest {

    @Test
    void aTagShouldAddOneHeaderLineOnTopAndLeaveEveryOtherByte() {
        String mail = "From: a@example.com\r\nSubject: Hello\r\n\r\nbody\r\n";

        assertThat(tag(mail, "large", "")).isEqualTo("X-Mailgrid-Tag: large\r\n" + mail);
    }

    @Test
    void aSubjectPrefixShouldGoBeforeTheSubjectTextKeepingEncodedWordsIntact() {
        String mail = "From: a@example.com\nsubject:  =?UTF-8?B?w6TDtg==?=\n\nbody\n";

        assertThat(tag(mail, "large", "[LARGE]"))
                .isEqualTo("X-Mailgrid-Tag: large\nFrom: a@example.com\nsubject:  [LARGE] =?UTF-8?B?w6TDtg==?=\n\nbody\n");
    }

    @Test
    void aMailWithoutSubjectShouldGetOneWithThePrefixAndABodyLineSayingSubjectShouldStayBody() {
        String mail = "From: a@example.com\r\n\r\nSubject: not a header\r\n";

        assertThat(tag(mail, "t", "[T]")).isEqualTo("X-Mailgrid-Tag: t\r\nSubject: [T]\r\n" + mail);
    }

    private static String tag(String mail, String tag, String prefix) {
        return new String(MailTag.apply(mail.getBytes(StandardCharsets.US_ASCII), tag, prefix), StandardCharsets.US_ASCII);
    }
}
