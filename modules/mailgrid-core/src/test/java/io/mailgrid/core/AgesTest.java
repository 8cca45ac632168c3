package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class AgesTest {

    @Test
    void agesShouldReadAsTheReadmeShowsThem() {
        assertThat(Ages.of(Duration.ofMillis(430))).isEqualTo("0.4s");
        assertThat(Ages.of(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Ages.of(Duration.ofMillis(59_990))).isEqualTo("59.9s");
        assertThat(Ages.of(Duration.ofSeconds(192))).isEqualTo("3m 12s");
        assertThat(Ages.of(Duration.ofMinutes(3))).isEqualTo("3m");
        assertThat(Ages.of(Duration.ofMinutes(64).plusSeconds(5))).isEqualTo("1h 4m");
        assertThat(Ages.of(Duration.ofHours(51))).isEqualTo("2d 3h");
        assertThat(Ages.of(Duration.ofHours(28))).isEqualTo("1d 4h");
        assertThat(Ages.of(Duration.ofDays(30))).isEqualTo("30d");
        assertThat(Ages.of(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void anAgeFromAClockAheadOrUnknownShouldNotReadAsNonsense() {
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        assertThat(Ages.of(Duration.ofSeconds(-5))).isEqualTo("0s");
        assertThat(Ages.since(now.plusSeconds(3), now)).isEqualTo("0s");
        assertThat(Ages.since(now.minusMillis(12_300), now)).isEqualTo("12.3s");
        assertThat(Ages.since(null, now)).isEqualTo("?");
    }
}
