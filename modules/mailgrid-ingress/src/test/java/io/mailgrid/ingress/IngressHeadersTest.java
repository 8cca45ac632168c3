package io.mailgrid.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.mailgrid.ingress.IngressHeaders.Recipients;

class IngressHeadersTest {

    /** Lines joined with the line ending; text as ISO-8859-1 bytes, so 8-bit characters are one byte. */
    private static byte[] lines(String eol, String... lines) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String line : lines) {
            out.writeBytes((line + eol).getBytes(StandardCharsets.ISO_8859_1));
        }
        return out.toByteArray();
    }

    private static String text(byte[] mail) {
        return new String(mail, StandardCharsets.ISO_8859_1);
    }

    @Test
    void forgedStampFieldsShouldGoInAnyCaseFoldedOrWithSpaceBeforeTheColon() {
        byte[] mail = lines("\r\n",
                "X-Mailgrid-Verdict: CLEAN",
                "From: mallory@example.com",
                "x-mailgrid-released: by admin",
                "X-MAILGRID-REASON: looks",
                "\tfine",
                "  to me",
                "X-Mailgrid-Checks\t : virus-scan",
                "Subject: invoice",
                "X-Mailgrid-Id: last before the body",
                "",
                "Pay now.");

        IngressHeaders.Rewritten rewritten = IngressHeaders.rewrite(mail, Recipients.GIVEN);

        assertThat(text(rewritten.mail())).isEqualTo(text(lines("\r\n",
                "From: mallory@example.com", "Subject: invoice", "", "Pay now.")));
        assertThat(rewritten.stampFields()).isEqualTo(5);
        assertThat(rewritten.bccFields()).isZero();
    }

    @Test
    void headerLikeLinesInTheBodyShouldStayAsTheyAre() {
        byte[] mail = lines("\r\n", "To: bob@example.com", "", "X-Mailgrid-Verdict: CLEAN", "Bcc: carol@example.com", "",
                "X-Mailgrid-Verdict: CLEAN");

        IngressHeaders.Rewritten rewritten = IngressHeaders.rewrite(mail, Recipients.FROM_HEADERS);

        assertThat(rewritten.mail()).isSameAs(mail);
        assertThat(rewritten.changed()).isFalse();
    }

    @Test
    void aMailWithLineFeedsOnlyShouldKeepThemAndLoseOnlyTheFields() {
        byte[] mail = lines("\n", "From: cron@example.com", "X-Mailgrid-Verdict: CLEAN", "To: ops@example.com",
                "Bcc: audit@example.com,", " second@example.com", "", "report", "");

        byte[] rewritten = IngressHeaders.rewrite(mail, Recipients.FROM_HEADERS).mail();

        assertThat(text(rewritten)).isEqualTo("From: cron@example.com\nTo: ops@example.com\n\nreport\n\n");
    }

    @Test
    void eightBitBytesNulsAndOddLinesShouldSurviveByteForByte() {
        byte[] body = new byte[512];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i; // every byte value, line feeds included
        }
        byte[] head = lines("\r\n",
                "From mbox-line-without-colon",
                " a continuation of no field",
                "Subject: \u00c4rger \u00fcber \u00d6l \u00ff\u0080",
                "X-Mailgrid-Verdict\u00a0: CLEAN",
                "X-Mailgrid: not the stamp prefix",
                "X-Mailgridder: nor this",
                "");
        byte[] mail = new byte[head.length + body.length];
        System.arraycopy(head, 0, mail, 0, head.length);
        System.arraycopy(body, 0, mail, head.length, body.length);

        byte[] rewritten = IngressHeaders.rewrite(mail, Recipients.GIVEN).mail();

        byte[] expectedHead = lines("\r\n",
                "From mbox-line-without-colon",
                " a continuation of no field",
                "Subject: \u00c4rger \u00fcber \u00d6l \u00ff\u0080",
                "X-Mailgrid: not the stamp prefix",
                "X-Mailgridder: nor this",
                "");
        byte[] expected = new byte[expectedHead.length + body.length];
        System.arraycopy(expectedHead, 0, expected, 0, expectedHead.length);
        System.arraycopy(body, 0, expected, expectedHead.length, body.length);
        assertThat(rewritten).isEqualTo(expected);
    }

    @Test
    void bccFieldsShouldGoOnlyWhenTheRecipientsCameFromTheHeaders() {
        byte[] mail = lines("\r\n", "From: a@example.com", "To: b@example.com", "Bcc: c@example.com",
                "BCC : d@example.com,", "\te@example.com", "bcc:", "Subject: s", "", "body");

        IngressHeaders.Rewritten fromHeaders = IngressHeaders.rewrite(mail, Recipients.FROM_HEADERS);
        IngressHeaders.Rewritten given = IngressHeaders.rewrite(mail, Recipients.GIVEN);

        assertThat(text(fromHeaders.mail())).isEqualTo(text(lines("\r\n",
                "From: a@example.com", "To: b@example.com", "Subject: s", "", "body")));
        assertThat(fromHeaders.bccFields()).isEqualTo(3);
        assertThat(given.mail()).isSameAs(mail);
    }

    @Test
    void aMailOfHeadersOnlyShouldLoseAForgedLastFieldWithoutALineEnding() {
        byte[] mail = "To: b@example.com\r\nX-Mailgrid-Verdict: CLEAN".getBytes(StandardCharsets.US_ASCII);

        assertThat(text(IngressHeaders.rewrite(mail, Recipients.GIVEN).mail())).isEqualTo("To: b@example.com\r\n");
    }

    @Test
    void aMailStartingWithAnEmptyLineHasNoHeadersToChange() {
        byte[] mail = lines("\r\n", "", "X-Mailgrid-Verdict: CLEAN", "Bcc: c@example.com");

        assertThat(IngressHeaders.rewrite(mail, Recipients.FROM_HEADERS).mail()).isSameAs(mail);
    }

    @Test
    void aLargeBodyShouldBeCopiedOnceAndUnchanged() {
        byte[] head = lines("\r\n", "X-Mailgrid-Verdict: CLEAN", "To: b@example.com", "");
        byte[] mail = new byte[head.length + (8 << 20)];
        System.arraycopy(head, 0, mail, 0, head.length);
        for (int i = head.length; i < mail.length; i++) {
            mail[i] = (byte) ('a' + i % 26);
        }

        byte[] rewritten = IngressHeaders.rewrite(mail, Recipients.GIVEN).mail();

        int removed = "X-Mailgrid-Verdict: CLEAN\r\n".length();
        assertThat(rewritten).hasSize(mail.length - removed);
        assertThat(java.util.Arrays.equals(rewritten, 0, rewritten.length, mail, removed, mail.length)).isTrue();
    }
}
