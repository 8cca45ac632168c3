package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ControlCharactersTest {

    @Test
    void lineBreaksAndTerminalSequencesShouldBecomeVisibleEscapes() {
        assertThat(ControlCharacters.escape("a.txt\n12:00:00 INFO forged\r\u001b]0;title\u0007\u001b[2J\u009b1m\u007f"))
                .isEqualTo("a.txt\\n12:00:00 INFO forged\\r\\u001b]0;title\\u0007\\u001b[2J\\u009b1m\\u007f");
    }

    @Test
    void unicodeLineSeparatorsAndDirectionOverridesShouldBeEscaped() {
        assertThat(ControlCharacters.escape("invoice\u202Efdp.exe\u2028next")).isEqualTo("invoice\\u202efdp.exe\\u2028next");
    }

    @Test
    void printableTextAndNonLatinLettersShouldStayAsTheyAre() {
        String text = "R\u00e9sum\u00e9 \u65e5\u672c C:\\mail\\x.zip 100%";
        assertThat(ControlCharacters.escape(text)).isSameAs(text);
    }

    @Test
    void keepingLinesShouldLeaveLineFeedsAndTabsButEscapeCarriageReturnsAndEscapes() {
        assertThat(ControlCharacters.escapeKeepingLines("a\tb\nc\r\n\u001b[31md")).isEqualTo("a\tb\nc\\r\n\\u001b[31md");
    }
}
