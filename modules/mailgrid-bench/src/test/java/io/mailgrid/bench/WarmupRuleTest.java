package io.mailgrid.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.mailgrid.bench.WarmupRule.Verdict;
import io.mailgrid.testing.TestClock;

class WarmupRuleTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-12-02T02:00:00Z"));

    /** Feeds rounds of the rule's own size at these CPU ms per mail; returns the last verdict. */
    private static Verdict feed(WarmupRule rule, double... cpuMsPerMail) {
        Verdict verdict = null;
        for (double ms : cpuMsPerMail) {
            int mails = rule.nextRound();
            assertThat(mails).as("the rule asked for another round").isPositive();
            verdict = rule.after(mails, ms * mails / 1000);
        }
        return verdict;
    }

    @Test
    void fallingCpuPerMailShouldAskForMoreRoundsUntilItStopsFalling() {
        WarmupRule rule = WarmupRule.adaptive(clock);

        assertThat(feed(rule, 9.0, 6.0, 4.5, 3.4, 3.2)).isEqualTo(Verdict.AGAIN);
        assertThat(feed(rule, 3.1)).isEqualTo(Verdict.WARM);

        assertThat(rule.nextRound()).isZero();
        assertThat(rule.summary().mails()).isEqualTo(30_000);
        assertThat(rule.summary().outcome()).isEqualTo(Verdict.WARM);
        assertThat(rule.summary().roundCpuMsPerMail()).containsExactly(9.0, 6.0, 4.5, 3.4, 3.2, 3.1);
    }

    @Test
    void eachRoundAfterTheSecondShouldBeAsLargeAsAllBeforeIt() {
        WarmupRule rule = WarmupRule.adaptive(clock);
        StringBuilder rounds = new StringBuilder();
        double ms = 100;
        while (rule.nextRound() > 0) {
            rounds.append(rule.nextRound()).append(' ');
            ms *= 0.5;
            feed(rule, ms);
        }

        assertThat(rounds.toString().trim()).isEqualTo("1000 1000 2000 4000 8000 14000");
    }

    @Test
    void aPauseInTheFallBetweenTwoRoundsShouldNotEndTheWarmup() {
        WarmupRule rule = WarmupRule.adaptive(clock);

        // measured (pipeline, 2026-12-02): rounds 17.88, 10.91, 10.32 ms stopped a one-step rule at 4000
        // mails, and the measured window then still fell by a third; the next round shows the fall goes on
        assertThat(feed(rule, 17.88, 10.91, 10.32)).isEqualTo(Verdict.AGAIN);
        assertThat(feed(rule, 7.2)).isEqualTo(Verdict.AGAIN);
    }

    @Test
    void flatCpuPerMailShouldBeWarmAfterThreeRounds() {
        WarmupRule rule = WarmupRule.adaptive(clock);

        assertThat(feed(rule, 2.0, 2.1)).isEqualTo(Verdict.AGAIN);
        assertThat(feed(rule, 2.05)).isEqualTo(Verdict.WARM);
        assertThat(rule.summary().mails()).isEqualTo(4000);
    }

    @Test
    void aRoundThatRoseBeyondTheToleranceShouldNotCountAsSettled() {
        WarmupRule rule = WarmupRule.adaptive(clock);

        // noise: a round 12 % above the one before is not "stopped falling"; two steps within 10 % after it are
        assertThat(feed(rule, 5.0, 3.5, 3.92, 3.6)).isEqualTo(Verdict.AGAIN);
        assertThat(feed(rule, 3.5)).isEqualTo(Verdict.WARM);
        assertThat(rule.summary().mails()).isEqualTo(16_000);
    }

    @Test
    void settledFiguresShouldNotEndTheWarmupBeforeTheMinimum() {
        WarmupRule rule = WarmupRule.adaptive(500, 2500, 30_000, Duration.ofMinutes(3), 0.10, clock);

        assertThat(feed(rule, 2.0, 2.0, 2.0)).isEqualTo(Verdict.AGAIN); // three rounds agree, 2000 mails: below the minimum
        assertThat(feed(rule, 2.0)).isEqualTo(Verdict.WARM);
        assertThat(rule.summary().mails()).isEqualTo(4000);
    }

    @Test
    void cpuPerMailThatNeverSettlesShouldGiveUpAtTheMaximumMails() {
        WarmupRule rule = WarmupRule.adaptive(clock);
        double ms = 100;
        Verdict verdict = Verdict.AGAIN;
        while (verdict == Verdict.AGAIN) {
            ms *= 0.8; // falls by 20 % every round, for ever
            verdict = feed(rule, ms);
        }

        assertThat(verdict).isEqualTo(Verdict.GAVE_UP_AT_MAXIMUM);
        assertThat(rule.summary().mails()).isEqualTo(WarmupRule.MAX_MAILS);
        assertThat(rule.nextRound()).isZero();
    }

    @Test
    void theLastRoundShouldStopExactlyAtTheMaximumMails() {
        WarmupRule rule = WarmupRule.adaptive(1000, 1500, 2500, Duration.ofMinutes(3), 0.10, clock);

        feed(rule, 9.0, 6.0);
        assertThat(rule.nextRound()).isEqualTo(500);
        assertThat(feed(rule, 4.0)).isEqualTo(Verdict.GAVE_UP_AT_MAXIMUM);
        assertThat(rule.summary().mails()).isEqualTo(2500);
    }

    @Test
    void aSlowMachineShouldGiveUpAtTheMaximumTime() {
        WarmupRule rule = WarmupRule.adaptive(clock);

        clock.advance(Duration.ofSeconds(70));
        assertThat(feed(rule, 9.0)).isEqualTo(Verdict.AGAIN);
        clock.advance(Duration.ofSeconds(70));
        assertThat(feed(rule, 6.0)).isEqualTo(Verdict.AGAIN);
        clock.advance(Duration.ofSeconds(70)); // 3 min 30 s since the start
        assertThat(feed(rule, 4.0)).isEqualTo(Verdict.GAVE_UP_AT_MAXIMUM);
        assertThat(rule.summary().mails()).isEqualTo(4000);
    }

    @Test
    void aRoundThatSettlesAtTheMaximumShouldStillCountAsWarm() {
        WarmupRule rule = WarmupRule.adaptive(clock);

        feed(rule, 3.0, 3.0);
        clock.advance(Duration.ofMinutes(5));
        assertThat(feed(rule, 3.0)).isEqualTo(Verdict.WARM);
    }

    @Test
    void aFixedCountShouldBeSentInOneRoundWhateverTheFigures() {
        WarmupRule rule = WarmupRule.Setting.parse("6000").start(20_000, clock);

        assertThat(rule.nextRound()).isEqualTo(6000);
        assertThat(rule.after(6000, 60.0)).isEqualTo(Verdict.COUNT_SENT);
        assertThat(rule.nextRound()).isZero();
        assertThat(rule.summary().roundCpuMsPerMail()).containsExactly(10.0);
    }

    @Test
    void aFixedCountShouldBeAtMostTheScenariosMails() {
        assertThat(WarmupRule.Setting.parse("1500").start(1200, clock).nextRound()).isEqualTo(1200);
    }

    @Test
    void aFixedCountOfZeroShouldSendNothing() {
        WarmupRule rule = WarmupRule.Setting.parse("0").start(6000, clock);

        assertThat(rule.nextRound()).isZero();
        assertThat(rule.summary().mails()).isZero();
        assertThat(rule.summary().outcome()).isEqualTo(Verdict.COUNT_SENT);
    }

    @Test
    void autoShouldNotBeCappedByTheScenariosMails() {
        WarmupRule rule = WarmupRule.Setting.parse("auto").start(200, clock);

        assertThat(rule.nextRound()).isEqualTo(WarmupRule.ROUND_MAILS);
        assertThat(WarmupRule.Setting.AUTO).hasToString("auto");
        assertThat(WarmupRule.Setting.parse("AUTO")).isEqualTo(WarmupRule.Setting.AUTO);
    }

    @Test
    void aWarmupThatIsNeitherAutoNorACountShouldBeRejectedNamingTheOption() {
        assertThatThrownBy(() -> WarmupRule.Setting.parse("-5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--warmup").hasMessageContaining("-5");
        assertThatThrownBy(() -> WarmupRule.Setting.parse("lots")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--warmup").hasMessageContaining("auto");
    }
}
