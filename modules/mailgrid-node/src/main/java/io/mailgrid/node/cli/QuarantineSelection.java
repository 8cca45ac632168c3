package io.mailgrid.node.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Which quarantined mails a command acts on: ids, or filters (verdict, sender, recipient, age), or
 * all. Filters combine (all must match); an address filter matches any part of the address, in
 * any case.
 */
public final class QuarantineSelection {

    @Mixin
    MailSelection mails;

    @Option(names = "--verdict", paramLabel = "VERDICT", description = "Mails with this verdict, e.g. INFECTED")
    String verdict;

    @Option(names = "--from", paramLabel = "TEXT", description = "Mails whose envelope sender contains TEXT")
    String from;

    @Option(names = "--to", paramLabel = "TEXT", description = "Mails with a recipient containing TEXT")
    String to;

    @Option(names = "--older-than", paramLabel = "DURATION", description = "Mails quarantined longer ago than this, e.g. 7d, 12h")
    String olderThan;

    /** No selection at all (a list shows everything; release and delete refuse). */
    public boolean isEmpty() {
        return mails.mailIds.isEmpty() && !filters();
    }

    /** The mail ids given. */
    public List<String> mailIds() {
        return mails.mailIds();
    }

    /** Whether a filter or --all was given (beside or instead of ids). */
    public boolean filters() {
        return verdict != null || from != null || to != null || olderThan != null || mails.all();
    }

    /** Whether the mail is selected, {@code now} being the time the command runs. */
    public boolean matches(Quarantine.Entry entry, Instant now) {
        if (!mails.mailIds.isEmpty() && !mails.mailIds.contains(entry.mailId())) {
            return false;
        }
        if (verdict != null && !verdict.equalsIgnoreCase(String.valueOf(entry.verdict()))) {
            return false;
        }
        if (from != null && !contains(entry.from(), from)) {
            return false;
        }
        if (to != null && !contains(entry.recipients(), to)) {
            return false;
        }
        if (olderThan != null) {
            return entry.processedAt() != null && entry.processedAt().isBefore(now.minus(age()));
        }
        return true;
    }

    private Duration age() {
        try {
            String text = olderThan.trim().toLowerCase(Locale.ROOT);
            // days are what quarantine ages are counted in; Camel's parser takes the rest (12h, 30m)
            if (text.matches("\\d+d")) {
                return Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1)));
            }
            return Duration.ofMillis(org.apache.camel.util.TimeUtils.toMilliSeconds(text));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--older-than: expected a duration such as 7d, 12h or 30m, got '" + olderThan + "'");
        }
    }

    private static boolean contains(String value, String part) {
        return value != null && value.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
    }
}
