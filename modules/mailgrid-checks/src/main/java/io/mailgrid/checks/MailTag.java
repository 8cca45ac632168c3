package io.mailgrid.checks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Marks a mail for the tag outcome: an {@code X-Mailgrid-Tag} header line on top and, optionally,
 * a prefix before the Subject. Every other byte stays as received. Tag and prefix are printable
 * ASCII (checked at start-up by {@link CheckDeclaration}), so they cannot add header lines.
 */
public final class MailTag {

    private static final byte[] SUBJECT = "subject:".getBytes(StandardCharsets.US_ASCII);

    private MailTag() {
    }

    /**
     * The mail with the tag line on top and the subject prefixed (a Subject line is added when the
     * mail has none), using the mail's own line ending.
     */
    public static byte[] apply(byte[] mail, String tag, String subjectPrefix) {
        String eol = usesCrlf(mail) ? "\r\n" : "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream(mail.length + 64);
        out.writeBytes(("X-Mailgrid-Tag: " + tag + eol).getBytes(StandardCharsets.US_ASCII));
        if (subjectPrefix.isEmpty()) {
            out.writeBytes(mail);
            return out.toByteArray();
        }
        int subject = subjectLine(mail);
        if (subject < 0) {
            out.writeBytes(("Subject: " + subjectPrefix + eol).getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(mail);
            return out.toByteArray();
        }
        int value = subject + SUBJECT.length;
        while (value < mail.length && (mail[value] == ' ' || mail[value] == '\t')) {
            value++;
        }
        out.write(mail, 0, value);
        out.writeBytes((subjectPrefix + " ").getBytes(StandardCharsets.US_ASCII));
        out.write(mail, value, mail.length - value);
        return out.toByteArray();
    }

    /** Where the first Subject field of the header block starts, or -1. */
    private static int subjectLine(byte[] mail) {
        int line = 0;
        while (line < mail.length) {
            if (mail[line] == '\n' || mail[line] == '\r' && line + 1 < mail.length && mail[line + 1] == '\n') {
                return -1; // the empty line: end of the header block
            }
            if (startsWithIgnoreCase(mail, line, SUBJECT)) {
                return line;
            }
            int next = line;
            while (next < mail.length && mail[next] != '\n') {
                next++;
            }
            line = next + 1;
        }
        return -1;
    }

    private static boolean startsWithIgnoreCase(byte[] mail, int at, byte[] lowerCase) {
        if (at + lowerCase.length > mail.length) {
            return false;
        }
        for (int i = 0; i < lowerCase.length; i++) {
            if (Character.toLowerCase(mail[at + i]) != lowerCase[i]) {
                return false;
            }
        }
        return true;
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
