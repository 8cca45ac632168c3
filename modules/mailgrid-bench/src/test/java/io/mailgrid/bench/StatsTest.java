package io.mailgrid.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void sameRunRatiosShouldPairEachRunWithTheBaselineOfThatRun() {
        // measured 2026-12-02 (clamd chain against pass-all): a slow first run for both chains
        List<Double> ratios = Stats.sameRunRatios(List.of(171.7, 184.4, 237.1), List.of(174.8, 329.5, 336.4));

        assertThat(ratios).containsExactly(0.982, 0.56, 0.705);
        assertThat(Stats.median(ratios)).isEqualTo(0.705);
        // the ratio of the two medians mixes runs: 184.4 / 329.5
        assertThat(Stats.round(Stats.median(List.of(171.7, 184.4, 237.1)) / Stats.median(List.of(174.8, 329.5, 336.4)), 3))
                .isEqualTo(0.56);
    }

    @Test
    void sameRunRatiosOfUnequalRunCountsShouldBeRefused() {
        assertThatThrownBy(() -> Stats.sameRunRatios(List.of(1.0, 2.0), List.of(1.0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("runs differ");
    }
}
