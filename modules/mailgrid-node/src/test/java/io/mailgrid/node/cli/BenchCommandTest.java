package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * {@code bench} is a program of its own (module mailgrid-bench) that the checkout's launcher starts:
 * the node's command line lists it, and run through the node's jar (the release archive's
 * {@code bin/mailgrid bench}) it says where the benchmark runs instead of failing as an unknown command.
 */
class BenchCommandTest {

    @Test
    void helpShouldListBenchAmongTheCommands() {
        Output help = execute("--help");

        assertThat(help.exit()).isZero();
        String commands = help.out().substring(help.out().indexOf("Commands:"));
        assertThat(commands).containsPattern("(?m)^\\s+bench\\s+\\S");
    }

    @Test
    void benchThroughTheNodesJarShouldExitNonZeroSayingItRunsFromACheckout() {
        Output bench = execute("bench", "--scenarios", "soak", "--minutes", "30");

        assertThat(bench.exit()).isEqualTo(MailgridCommand.EXIT_USAGE);
        assertThat(bench.err()).contains("./mailgrid bench").contains("checkout").contains("BENCHMARKS.md");
        assertThat(bench.out()).isEmpty();
    }

    private record Output(int exit, String out, String err) {
    }

    private static synchronized Output execute(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = MailgridCommand.execute(args);
            return new Output(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
