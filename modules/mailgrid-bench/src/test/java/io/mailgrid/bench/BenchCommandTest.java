package io.mailgrid.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** The bench's command line, parsed only: no scenario runs here. */
class BenchCommandTest {

    private final BenchCommand command = new BenchCommand();
    private final StringWriter err = new StringWriter();
    private final CommandLine line = new CommandLine(command).setErr(new PrintWriter(err));

    @Test
    void theDefaultWarmupShouldBeTheAdaptiveRule() {
        line.parseArgs("--scenarios", "raw");

        assertThat(command.warmup).isEqualTo(WarmupRule.Setting.AUTO);
    }

    @Test
    void aWarmupCountShouldStillBeAnExactCount() {
        line.parseArgs("--warmup", "1500");

        assertThat(command.warmup.adaptive()).isFalse();
        assertThat(command.warmup.fixedMails()).isEqualTo(1500);
    }

    @Test
    void aWarmupThatIsNeitherAutoNorACountShouldFailNamingTheOption() {
        int exit = line.execute("--warmup", "-1", "--scenarios", "raw");

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--warmup").contains("auto");
    }
}
