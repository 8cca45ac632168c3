package io.mailgrid.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    @Test
    void theTablesShouldShowEachRunsWarmupAndSayWhenItsMaximumWasHit() {
        WarmupRule.Summary gaveUp = new WarmupRule.Summary("auto", 30_000, WarmupRule.Verdict.GAVE_UP_AT_MAXIMUM,
                List.of(18.62, 12.89, 9.89, 6.7, 4.02, 2.9, 2.8));
        WarmupRule.Summary warm = new WarmupRule.Summary("auto", 4000, WarmupRule.Verdict.WARM, List.of(15.3, 8.3, 7.9));
        Map<String, Object> result = new LinkedHashMap<>();
        List<Bench.ProcessFigures> raw = List.of(new Bench.ProcessFigures("broker", 5.3, 200));
        result.put("rawBroker", Map.of("mailsPerSecond", 746.4,
                "median", new Bench.RawResult(746.4, raw, Map.of("broker", 0.89, "all", 0.89), warm)));
        result.put("pipeline", Map.of("median", new Bench.PipelineResult(1, 6000, 322.7, Map.of("p99", 1025.4), raw,
                Map.of("broker", 1.38, "n1", 1.31, "all", 2.69), 0, 0, gaveUp)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BenchCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), result);

        String tables = bytes.toString(StandardCharsets.UTF_8);
        assertThat(tables).contains("warm-up 4000 mails (warm").contains("[15.3, 8.3, 7.9]");
        assertThat(tables).contains("warm-up 30000 mails (MAXIMUM HIT")
                .contains("by round (last 6 of 7): [12.89, 9.89, 6.7, 4.02, 2.9, 2.8]");
        assertThat(tables).containsPattern("CPU ms per mail: \\{[^}]*n1=1.31[^}]*}").contains("all=2.69");
    }
}
