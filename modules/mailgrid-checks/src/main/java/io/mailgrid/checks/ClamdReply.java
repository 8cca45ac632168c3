package io.mailgrid.checks;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * clamd's answer to one {@code INSTREAM} scan, read fail-closed: exactly {@code stream: OK} is
 * clean, {@code stream: <name> FOUND} is infected, and anything else (a line ending in
 * {@code ERROR}, {@code COMMAND READ TIMED OUT}, an empty or unexpected text) is an error.
 *
 * @param kind what clamd decided
 * @param text the malware name for FOUND, clamd's words for ERROR, empty for OK (printable, bounded)
 */
public record ClamdReply(Kind kind, String text) {

    /** The three outcomes; only OK lets a mail pass. */
    public enum Kind {
        /** clamd scanned the whole stream and found nothing. */
        OK,
        /** clamd found malware; the text names it. */
        FOUND,
        /** anything else: the scan did not happen or did not finish. */
        ERROR
    }

    private static final Pattern FOUND = Pattern.compile("stream: (.+) FOUND");
    private static final int MAX_TEXT = 160;

    /** Reads one reply, without its terminator and without an IDSESSION request number. */
    public static ClamdReply parse(String reply) {
        if ("stream: OK".equals(reply)) {
            return new ClamdReply(Kind.OK, "");
        }
        Matcher found = FOUND.matcher(reply);
        if (found.matches() && !found.group(1).isBlank()) {
            return new ClamdReply(Kind.FOUND, printable(found.group(1).trim()));
        }
        return new ClamdReply(Kind.ERROR, reply.isBlank() ? "an empty reply" : printable(reply.trim()));
    }

    /** clamd's text with control characters replaced and at most 160 characters kept. */
    static String printable(String text) {
        StringBuilder clean = new StringBuilder(Math.min(text.length(), MAX_TEXT + 3));
        for (int i = 0; i < text.length() && clean.length() < MAX_TEXT; i++) {
            char c = text.charAt(i);
            clean.append(Character.isISOControl(c) || c == '\uFFFD' ? '?' : c);
        }
        if (text.length() > MAX_TEXT) {
            clean.append("...");
        }
        return clean.toString();
    }
}
