package io.mailgrid.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;


class QuarantineSelectionTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static Quarantine.Entry entry(String id, String verdict, String from, String to, Duration age) {
        return new Quarantine.Entry(id, verdict, "r", "a", "a", NOW.minus(age), from, to, 10, 0);
    }

    private static QuarantineSelection parse(String... args) {
        QuarantineSelection selection = new QuarantineSelection();
        new CommandLine(selection).parseArgs(args);
        return selection;
    }

    @Test
    void filtersShouldAllHaveToMatch() {
        Quarantine.Entry virus = entry("1", "INFECTED", "Eve@Evil.example", "bob@example.com,carol@example.com", Duration.ofDays(40));
        Quarantine.Entry fresh = entry("2", "INFECTED", "eve@evil.example", "bob@example.com", Duration.ofHours(1));
        Quarantine.Entry attachment = entry("3", "BLOCKED_ATTACHMENT", "alice@example.com", "bob@example.com", Duration.ofDays(40));

        QuarantineSelection oldVirusFromEve = parse("--verdict", "infected", "--from", "evil.example", "--older-than", "30d");
        assertThat(oldVirusFromEve.matches(virus, NOW)).isTrue();
        assertThat(oldVirusFromEve.matches(fresh, NOW)).isFalse();
        assertThat(oldVirusFromEve.matches(attachment, NOW)).isFalse();
        assertThat(parse("--to", "CAROL@").matches(virus, NOW)).isTrue();
        assertThat(parse("--to", "carol@").matches(fresh, NOW)).isFalse();
        assertThat(parse("--older-than", "12h").matches(fresh, NOW)).isFalse();
        assertThat(parse("2", "3").matches(fresh, NOW)).isTrue();
        assertThat(parse("2", "3").matches(virus, NOW)).isFalse();
    }

    @Test
    void noSelectionShouldBeEmptyAndABadAgeShouldSaySo() {
        assertThat(parse().isEmpty()).isTrue();
        assertThat(parse("--all").isEmpty()).isFalse();
        assertThatThrownBy(() -> parse("--older-than", "a month").matches(entry("1", "INFECTED", "a", "b", Duration.ZERO), NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--older-than");
    }
}
