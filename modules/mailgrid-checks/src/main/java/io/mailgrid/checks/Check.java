package io.mailgrid.checks;

/**
 * One policy check: a small named component with one job that returns a verdict for a mail.
 *
 * <p>A check that cannot decide (its scanner is down, it timed out) throws
 * {@link CheckFailedException}: the reservation is rolled back and the broker retries the mail
 * later, so an unchecked mail is never delivered. A mail the check can read but judges bad gets
 * a {@link CheckResult} whose verdict is not CLEAN, and goes to quarantine.
 */
public interface Check {

    /** Stable kebab-case name, used in routes/policy.xml ({@code check-<name>}) and in stamps. */
    String name();

    /** Judges one mail. Must be thread-safe: grabbers run many mails at once. */
    CheckResult check(MailUnderCheck mail) throws CheckFailedException;
}
