package io.mailgrid.checks;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a step does with a mail its check judges not clean ({@code outcome=} on the step). */
public enum CheckOutcome {
    /** The mail goes to mailgrid.quarantine with the reason; later steps are skipped. The default. */
    QUARANTINE,
    /**
     * The mail is delivered, marked: an {@code X-Mailgrid-Tag} header and an optional subject prefix.
     * Later steps still run (a later quarantine wins).
     */
    TAG;

    /** The value operators write ({@code quarantine}, {@code tag}). */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The outcome written on a step. */
    public static Optional<CheckOutcome> parse(String value) {
        return Arrays.stream(values()).filter(outcome -> outcome.value().equals(value)).findFirst();
    }
}
