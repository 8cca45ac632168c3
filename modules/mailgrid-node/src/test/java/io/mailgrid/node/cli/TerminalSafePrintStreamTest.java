package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TerminalSafePrintStreamTest {

    @Test
    void whateverACommandPrintsShouldReachTheTerminalWithoutControlCharactersButWithItsOwnLines() {
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        PrintStream out = TerminalSafePrintStream.wrap(new PrintStream(terminal, true, StandardCharsets.UTF_8));

        out.printf("%-6s %s%n", "node", "a\u001b]0;owned\u0007\r\u009b2J");
        out.println("r\u00e9sum\u00e9\tdone");
        out.print('\u001b');
        out.println();

        assertThat(terminal.toString(StandardCharsets.UTF_8))
                .isEqualTo("node   a\\u001b]0;owned\\u0007\\r\\u009b2J\nr\u00e9sum\u00e9\tdone\n\\u001b\n");
    }
}
