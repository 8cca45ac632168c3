package io.mailgrid.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code X-Mailgrid-*} header lines written at the top of a delivered mail. The received mail
 * follows as ingress published it: unchanged but for incoming {@code X-Mailgrid-*} fields (and Bcc
 * fields where the recipients came from the headers), which ingress removes (IngressHeaders).
 *
 * <pre>
 * X-Mailgrid-Id: 6f1c...            mail id assigned at ingress
 * X-Mailgrid-Origin: a              node whose ingress accepted it
 * X-Mailgrid-Node: b                node whose grabber checked it
 * X-Mailgrid-Verdict: CLEAN         verdict of the policy chain
 * X-Mailgrid-Reason: ...            why the verdict is not CLEAN (only on released mail)
 * X-Mailgrid-Checks: virus-scan,... checks that ran, in order
 * X-Mailgrid-Attempt: 1             delivery attempt of the mailbox copy that was checked
 * X-Mailgrid-Processed: Wed, 25 Nov 2026 18:30:00 +0000
 * X-Mailgrid-Released: ...          only on mail an operator released from quarantine: who and when
 * </pre>
 */
public final class Stamp {

    /** Prefix of every stamp header. */
    public static final String HEADER_PREFIX = "X-Mailgrid-";

    private static final int MAX_VALUE_LENGTH = 200;
    /** RFC 5322 date-time with a numeric zone. */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", java.util.Locale.ROOT);
    /** The last second formatted: mails processed within one second share their date text. */
    private static final AtomicReference<FormattedSecond> LAST = new AtomicReference<>(new FormattedSecond(Long.MIN_VALUE, ""));

    private record FormattedSecond(long epochSecond, String text) {
    }

    private Stamp() {
    }

    /** The stamp fields for a mail, in order, read from its message properties. */
    public static Map<String, String> fields(Map<String, Object> properties) {
        Map<String, String> fields = new LinkedHashMap<>();
        put(fields, "Id", properties.get(MailProperty.MAIL_ID));
        put(fields, "Origin", properties.get(MailProperty.ORIGIN));
        put(fields, "Node", properties.get(MailProperty.PROCESSED_BY));
        put(fields, "Verdict", properties.get(MailProperty.VERDICT));
        put(fields, "Reason", properties.get(MailProperty.REASON));
        put(fields, "Checks", properties.get(MailProperty.CHECKS));
        put(fields, "Attempt", properties.get(MailProperty.ATTEMPT));
        Object processedAt = properties.get(MailProperty.PROCESSED_AT);
        if (processedAt instanceof Number millis) {
            put(fields, "Processed", date(millis.longValue()));
        }
        put(fields, "Released", properties.get(MailProperty.RELEASED));
        return fields;
    }

    /**
     * The stamp header block, using the line ending the mail itself uses (CRLF for mail received
     * over SMTP, often LF for files), so the result stays consistent.
     */
    public static byte[] render(Map<String, Object> properties, byte[] mail) {
        String eol = usesCrlf(mail) ? "\r\n" : "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        fields(properties).forEach((name, value) ->
                out.writeBytes((HEADER_PREFIX + name + ": " + value + eol).getBytes(StandardCharsets.US_ASCII)));
        return out.toByteArray();
    }

    /** RFC 5322 date of a time in milliseconds, to the second. */
    static String date(long millis) {
        long second = Math.floorDiv(millis, 1000L);
        FormattedSecond last = LAST.get();
        if (last.epochSecond() != second) {
            last = new FormattedSecond(second, DATE.format(Instant.ofEpochSecond(second).atOffset(ZoneOffset.UTC)));
            LAST.set(last);
        }
        return last.text();
    }

    private static void put(Map<String, String> fields, String name, Object value) {
        if (value != null && !value.toString().isBlank()) {
            fields.put(name, sanitize(value.toString()));
        }
    }

    /** A header value cannot carry line breaks or non-ASCII: anything else could forge headers. */
    static String sanitize(String value) {
        StringBuilder clean = new StringBuilder(Math.min(value.length(), MAX_VALUE_LENGTH));
        for (int i = 0; i < value.length() && clean.length() < MAX_VALUE_LENGTH; i++) {
            char c = value.charAt(i);
            clean.append(c >= 0x20 && c < 0x7f ? c : ' ');
        }
        return clean.toString().trim();
    }

    private static boolean usesCrlf(byte[] mail) {
        for (int i = 0; i < mail.length; i++) {
            if (mail[i] == '\n') {
                return i > 0 && mail[i - 1] == '\r';
            }
        }
        return true;
    }
}
