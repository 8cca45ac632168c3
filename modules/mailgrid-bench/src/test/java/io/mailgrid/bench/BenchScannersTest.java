package io.mailgrid.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mailgrid.bench.BenchScanners.Chain;

/**
 * The scanner scenario starts the bench's clamd only for a chain that scans with it: {@code --scanner
 * pass-all} alone runs on a machine without ClamAV, and leaves no idle clamd beside the nodes it measures.
 */
class BenchScannersTest {

    @TempDir
    Path dir;

    @Test
    void passAllAloneShouldStartNoClamd() {
        StringBuilder why = new StringBuilder();

        assertThat(startAndStop(List.of(Chain.PASS_ALL), why)).as("a clamd started").isEmpty();
        assertThat(why).as("nothing to explain: nothing was needed").isEmpty();
        assertThat(Files.exists(dir.resolve("clamd"))).as("no clamd configured or started").isFalse();
    }

    @Test
    void noChosenChainBesidesPassAllShouldStartNoClamd() {
        StringBuilder why = new StringBuilder();

        assertThat(startAndStop(List.of(), why)).as("a clamd started").isEmpty();
        assertThat(Files.exists(dir.resolve("clamd"))).isFalse();
    }

    @Test
    void onlyTheChainsThatScanShouldNeedClamd() {
        assertThat(BenchScanners.needClamd(List.of(Chain.PASS_ALL))).isFalse();
        assertThat(BenchScanners.needClamd(List.of(Chain.CLAMD))).isTrue();
        assertThat(BenchScanners.needClamd(List.of(Chain.EXEC))).as("clamdscan talks to the bench's clamd").isTrue();
        assertThat(BenchScanners.needClamd(List.of(Chain.PASS_ALL, Chain.CLAMD))).isTrue();
    }

    /** What {@link BenchScanners#start} started, stopped again at once so that a failing test leaves no clamd behind. */
    private Optional<String> startAndStop(List<Chain> chains, StringBuilder why) {
        Optional<BenchScanners> started = BenchScanners.start(chains, dir.resolve("clamd"), why);
        started.ifPresent(BenchScanners::close);
        return started.map(BenchScanners::toString);
    }
}
