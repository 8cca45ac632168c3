package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StampTest {

    private static Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(MailProperty.MAIL_ID, "m1");
        properties.put(MailProperty.ORIGIN, "a");
        properties.put(MailProperty.PROCESSED_BY, "b");
        properties.put(MailProperty.VERDICT, "CLEAN");
        properties.put(MailProperty.CHECKS, "pass-all");
        properties.put(MailProperty.ATTEMPT, 2);
        properties.put(MailProperty.PROCESSED_AT, 0L);
        return properties;
    }

    @Test
    void theStampShouldListTheDocumentedFieldsInOrderWithTheMailsLineEnding() {
        byte[] crlfMail = "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] lfMail = "Subject: x\n\nbody\n".getBytes(StandardCharsets.US_ASCII);

        assertThat(new String(Stamp.render(properties(), crlfMail), StandardCharsets.US_ASCII)).isEqualTo(
                "X-Mailgrid-Id: m1\r\nX-Mailgrid-Origin: a\r\nX-Mailgrid-Node: b\r\nX-Mailgrid-Verdict: CLEAN\r\n"
                        + "X-Mailgrid-Checks: pass-all\r\nX-Mailgrid-Attempt: 2\r\n"
                        + "X-Mailgrid-Processed: Thu, 1 Jan 1970 00:00:00 +0000\r\n");
        assertThat(new String(Stamp.render(properties(), lfMail), StandardCharsets.US_ASCII))
                .startsWith("X-Mailgrid-Id: m1\nX-Mailgrid-Origin: a\n");
    }

    @Test
    void eachMailShouldCarryTheSecondItWasProcessedInWhenMailsOfDifferentSecondsInterleave() {
        // the date text is kept for the last second formatted: a mail of another second must never get it
        long[] times = {1_764_583_199_999L, 1_764_583_200_000L, 1_764_583_199_000L, 1_764_583_200_999L, -1L, 0L, 999L};
        String[] expected = {"Mon, 1 Dec 2025 09:59:59 +0000", "Mon, 1 Dec 2025 10:00:00 +0000",
            "Mon, 1 Dec 2025 09:59:59 +0000", "Mon, 1 Dec 2025 10:00:00 +0000", "Wed, 31 Dec 1969 23:59:59 +0000",
            "Thu, 1 Jan 1970 00:00:00 +0000", "Thu, 1 Jan 1970 00:00:00 +0000"};
        for (int i = 0; i < times.length; i++) {
            Map<String, Object> properties = properties();
            properties.put(MailProperty.PROCESSED_AT, times[i]);
            assertThat(Stamp.fields(properties).get("Processed")).as("processed at %d ms", times[i]).isEqualTo(expected[i]);
        }
    }

    @Test
    void aReleasedMailShouldCarryItsVerdictReasonAndWhoReleasedIt() {
        Map<String, Object> properties = properties();
        properties.put(MailProperty.VERDICT, "INFECTED");
        properties.put(MailProperty.REASON, "virus-scan: Eicar-Signature");
        properties.put(MailProperty.RELEASED, "by op@host at Wed, 25 Nov 2026 19:00:00 +0000");

        String stamp = new String(Stamp.render(properties, new byte[0]), StandardCharsets.US_ASCII);

        assertThat(stamp).contains("X-Mailgrid-Verdict: INFECTED\r\nX-Mailgrid-Reason: virus-scan: Eicar-Signature\r\n")
                .endsWith("X-Mailgrid-Released: by op@host at Wed, 25 Nov 2026 19:00:00 +0000\r\n");
    }

    @Test
    void valuesShouldNeverBreakOutOfTheirHeaderLine() {
        Map<String, Object> properties = properties();
        properties.put(MailProperty.RELEASED, "by op\r\nBcc: victim@example.com \u00e9");

        String stamp = new String(Stamp.render(properties, new byte[0]), StandardCharsets.US_ASCII);

        assertThat(stamp).contains("X-Mailgrid-Released: by op  Bcc: victim@example.com ?".replace("?", "").trim())
                .doesNotContain("\r\nBcc:");
        assertThat(Stamp.sanitize("x".repeat(500))).hasSize(200);
    }
}
