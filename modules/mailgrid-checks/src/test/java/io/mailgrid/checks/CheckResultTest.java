package io.mailgrid.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.mailgrid.core.Verdict;

class CheckResultTest {

    @Test
    void aReasonShouldKeepNoControlCharacterWhateverCheckMadeIt() {
        CheckResult result = CheckResult.of(Verdict.INFECTED, "Eicar\n12:00 INFO forged\u001b[2J\u0007");

        assertThat(result.reason()).isEqualTo("Eicar\\n12:00 INFO forged\\u001b[2J\\u0007");
    }
}
