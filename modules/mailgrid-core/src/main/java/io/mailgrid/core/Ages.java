package io.mailgrid.core;

import java.time.Duration;
import java.time.Instant;

/**
 * Ages and durations as every listing and log line shows them ({@code status}, the cluster page,
 * the quarantine's expiry line): seconds to a tenth below a minute ({@code 0.4s}, {@code 12s}),
 * then the two largest units ({@code 3m 12s}, {@code 1h 4m}, {@code 2d 3h}), the second left out
 * when it is zero ({@code 30d}).
 */
public final class Ages {

    private Ages() {
    }

    /** The duration as text; a negative one (clocks apart) counts as zero. */
    public static String of(Duration duration) {
        Duration d = duration.isNegative() ? Duration.ZERO : duration;
        if (d.toDays() > 0) {
            return two(d.toDays(), "d", d.toHoursPart(), "h");
        }
        if (d.toHours() > 0) {
            return two(d.toHours(), "h", d.toMinutesPart(), "m");
        }
        if (d.toMinutes() > 0) {
            return two(d.toMinutes(), "m", d.toSecondsPart(), "s");
        }
        long tenths = d.toMillis() / 100;
        return tenths / 10 + (tenths % 10 == 0 ? "" : "." + tenths % 10) + "s";
    }

    /** How long ago {@code since} was at {@code now}, or "?" when it is not known. */
    public static String since(Instant since, Instant now) {
        return since == null ? "?" : of(Duration.between(since, now));
    }

    private static String two(long first, String firstUnit, long second, String secondUnit) {
        return first + firstUnit + (second == 0 ? "" : " " + second + secondUnit);
    }
}
