package io.mailgrid.checks;

import java.util.Objects;

import io.mailgrid.core.ControlCharacters;
import io.mailgrid.core.Verdict;

/**
 * What a check decided about a mail.
 *
 * @param verdict CLEAN or the reason class for quarantine
 * @param reason  for anything but CLEAN, a short human-readable reason ("Eicar-Signature found"); control
 *                characters in it (from file names, scanner output) are escaped, as it is logged, stamped and
 *                shown on terminals
 */
public record CheckResult(Verdict verdict, String reason) {

    private static final CheckResult CLEAN = new CheckResult(Verdict.CLEAN, null);

    public CheckResult {
        Objects.requireNonNull(verdict, "verdict");
        if (verdict != Verdict.CLEAN && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a " + verdict + " verdict needs a reason");
        }
        reason = ControlCharacters.escape(reason);
    }

    /** The mail passed this check. */
    public static CheckResult clean() {
        return CLEAN;
    }

    /** The mail failed this check for the given reason. */
    public static CheckResult of(Verdict verdict, String reason) {
        return new CheckResult(verdict, reason);
    }
}
