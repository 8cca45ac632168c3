package io.mailgrid.checks;

/**
 * One policy check: a small named component with one job that returns a verdict for a mail.
 *
 * <p>A check that cannot decide (its scanner is down, it timed out) throws
 * {@link CheckFailedException}: the reservation is rolled back and the broker retries the mail
 * later, so an unchecked mail is never delivered. A mail the check can read but judges bad gets
 * a {@link CheckResult} whose verdict is not CLEAN, and goes to quarantine.
 *
 * <p>A check also says whether it can work on this node at all ({@link #status()}): a virus scan
 * whose scanner is not installed is unavailable, and the node reports that at start-up.
 */
public interface Check {

    /** Stable kebab-case name, used in routes/policy.xml ({@code check-<name>}) and in stamps. */
    String name();

    /** Judges one mail. Must be thread-safe: grabbers run many mails at once. */
    CheckResult check(MailUnderCheck mail) throws CheckFailedException;

    /**
     * Whether the check can run on this node now (its tools are installed, its files readable).
     * Cheap enough to call often; the default is always available.
     */
    default CheckStatus status() {
        return CheckStatus.ok();
    }

    /**
     * What the check scans with, when that changes over time (a daemon's program and signature
     * version): shown by {@code mailgrid status}. Empty by default.
     */
    default java.util.Optional<String> version() {
        return java.util.Optional.empty();
    }

    /** One line for the start-up log: what the check does with which settings. */
    default String describe() {
        return name();
    }
}
