package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mailgrid.node.runtime.TestNode;
import io.mailgrid.node.runtime.TestNode.Run;

/**
 * {@code bench} is a program of its own (module mailgrid-bench) that the checkout's launcher starts:
 * the node's command line lists it, and run through the node's jar (the release archive's
 * {@code bin/mailgrid bench}) it says where the benchmark runs instead of failing as an unknown command.
 */
class BenchCommandTest {

    @Test
    void helpShouldListBenchAmongTheCommands() {
        Run help = TestNode.run("--help");

        assertThat(help.exit()).isZero();
        String commands = help.out().substring(help.out().indexOf("Commands:"));
        assertThat(commands).containsPattern("(?m)^\\s+bench\\s+\\S");
    }

    @Test
    void benchThroughTheNodesJarShouldExitNonZeroSayingItRunsFromACheckout() {
        Run bench = TestNode.run("bench", "--scenarios", "soak", "--minutes", "30");

        assertThat(bench.exit()).isEqualTo(MailgridCommand.EXIT_USAGE);
        assertThat(bench.err()).contains("./mailgrid bench").contains("checkout").contains("BENCHMARKS.md");
        assertThat(bench.out()).isEmpty();
    }
}
