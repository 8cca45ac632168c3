package io.mailgrid.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When a benchmark run's processes are warm: fed the CPU per mail of each warm-up round, it says
 * send another round, warm, or gave up at the maximum (ADR 0043).
 *
 * <p>A fixed count of mails warms a fast machine more than a slow one (fewer mails per second, the
 * same count, less JIT compilation done), so by default ({@code --warmup auto}) the warm-up goes on
 * in doubling rounds ({@link #nextRound()}) until the CPU per mail of three rounds in a row
 * stays within {@link #TOLERANCE} from round to round (the JIT stopped making the per-mail path cheaper), after
 * at least {@link #MIN_MAILS} and at most {@link #MAX_MAILS} mails or {@link #MAX_TIME}. {@code --warmup N} is one round of exactly N mails,
 * as before this rule, for comparisons with earlier figures and for quick runs.
 */
final class WarmupRule {

    /** What the rule says after a round. */
    enum Verdict {
        /** still getting cheaper (or noisy): send another round */
        AGAIN,
        /** three rounds in a row came within the tolerance of each other's CPU per mail, after the minimum */
        WARM,
        /** {@code --warmup N}: the N mails are sent, whatever their figures */
        COUNT_SENT,
        /** the maximum mails or time came before the figures settled: the run is measured as it is */
        GAVE_UP_AT_MAXIMUM
    }

    /** Mails of the first two adaptive rounds: enough for CPU seconds read at 10 ms resolution to mean something. */
    static final int ROUND_MAILS = 1000;
    /** No adaptive warm-up is shorter than the fixed one it replaced. */
    static final int MIN_MAILS = 1500;
    /** Beyond this the figures still move for a reason other than the JIT; the output says so. */
    static final int MAX_MAILS = 30_000;
    /** The JIT's share fell near zero after about 3 minutes of pipeline load (BENCHMARKS.md). */
    static final Duration MAX_TIME = Duration.ofMinutes(3);
    /** A round within 10 % of the one before has stopped falling ... */
    static final double TOLERANCE = 0.10;
    /** ... when that holds for two steps in a row (three rounds agree). */
    static final int SETTLED_STEPS = 2;

    /** What {@code --warmup} says: {@code auto} (this rule) or an exact count of mails. */
    record Setting(int fixedMails) {
        /** The adaptive rule, the default. */
        static final Setting AUTO = new Setting(-1);

        /** {@code auto} or a count of mails; anything else is rejected naming the option. */
        static Setting parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("auto")) {
                return AUTO;
            }
            try {
                int mails = Integer.parseInt(t);
                if (mails >= 0) {
                    return new Setting(mails);
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException("--warmup must be 'auto' or a number of mails >= 0, not '" + text + "'");
        }

        boolean adaptive() {
            return fixedMails < 0;
        }

        /** A rule for one run; a fixed count is at most {@code scenarioMails}, as it always was. */
        WarmupRule start(int scenarioMails, Clock clock) {
            return adaptive() ? WarmupRule.adaptive(clock) : new WarmupRule(this, Math.min(fixedMails, scenarioMails),
                    0, Integer.MAX_VALUE, Duration.ofDays(365), 0, clock);
        }

        @Override
        public String toString() {
            return adaptive() ? "auto" : String.valueOf(fixedMails);
        }
    }

    /** What a run reports: the setting, the mails sent, how the warm-up ended, and each round's CPU ms per mail. */
    record Summary(String setting, int mails, Verdict outcome, List<Double> roundCpuMsPerMail) {
    }

    private final Setting setting;
    private final int roundMails;
    private final int minMails;
    private final int maxMails;
    private final Duration maxTime;
    private final double tolerance;
    private final Clock clock;
    private final Instant start;
    private final List<Double> rounds = new ArrayList<>();
    private int sent;
    private Verdict verdict = Verdict.AGAIN;

    private WarmupRule(Setting setting, int roundMails, int minMails, int maxMails, Duration maxTime, double tolerance,
            Clock clock) {
        this.setting = setting;
        this.roundMails = roundMails;
        this.minMails = minMails;
        this.maxMails = maxMails;
        this.maxTime = maxTime;
        this.tolerance = tolerance;
        this.clock = clock;
        this.start = clock.instant();
        if (!setting.adaptive() && roundMails == 0) {
            verdict = Verdict.COUNT_SENT;
        }
    }

    /** The default rule, timed by this clock from now. */
    static WarmupRule adaptive(Clock clock) {
        return adaptive(ROUND_MAILS, MIN_MAILS, MAX_MAILS, MAX_TIME, TOLERANCE, clock);
    }

    static WarmupRule adaptive(int roundMails, int minMails, int maxMails, Duration maxTime, double tolerance, Clock clock) {
        return new WarmupRule(Setting.AUTO, roundMails, minMails, maxMails, maxTime, tolerance, clock);
    }

    /**
     * Mails of the next round, 0 once the rule has decided: the first two rounds have the round
     * size, every later one as many mails as all before it. The JIT compiles a method after a count
     * of calls, so what it still gains falls with each doubling of the mails, not each thousand:
     * equal rounds of 1000 came within 10 % of each other after 3000 mails while the CPU per mail
     * was still falling by a third (measured: pipeline rounds 18.5, 11.0, 10.0 ms, then 7.1 ms
     * over the 6000 measured mails).
     */
    int nextRound() {
        return verdict == Verdict.AGAIN ? Math.min(Math.max(roundMails, sent), maxMails - sent) : 0;
    }

    /** The round just sent: its mails, and the CPU seconds the measured processes used for them. */
    Verdict after(int mails, double cpuSeconds) {
        rounds.add(cpuSeconds * 1000 / mails);
        sent += mails;
        if (!setting.adaptive()) {
            verdict = Verdict.COUNT_SENT;
        } else if (sent >= minMails && settled()) {
            verdict = Verdict.WARM;
        } else if (sent >= maxMails || !Duration.between(start, clock.instant()).minus(maxTime).isNegative()) {
            verdict = Verdict.GAVE_UP_AT_MAXIMUM;
        }
        return verdict;
    }

    /**
     * Whether the last {@link #SETTLED_STEPS} steps from round to round each stayed within the
     * tolerance. One step is not enough: the fall pauses between early rounds while the compiler
     * works through its queue (measured: 17.88, 10.91, 10.32 ms, then a third lower again).
     */
    private boolean settled() {
        if (rounds.size() <= SETTLED_STEPS) {
            return false;
        }
        for (int i = rounds.size() - SETTLED_STEPS; i < rounds.size(); i++) {
            double previous = rounds.get(i - 1);
            if (Math.abs(rounds.get(i) - previous) > tolerance * previous) {
                return false;
            }
        }
        return true;
    }

    Summary summary() {
        return new Summary(setting.toString(), sent, verdict, rounds.stream().map(ms -> Stats.round(ms, 2)).toList());
    }
}
