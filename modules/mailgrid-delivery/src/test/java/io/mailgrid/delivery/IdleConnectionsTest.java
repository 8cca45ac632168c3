package io.mailgrid.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.mailgrid.testing.TestClock;

class IdleConnectionsTest {

    private final TestClock clock = new TestClock(Instant.parse("2026-12-01T12:00:00Z"));
    private final List<String> closed = new ArrayList<>();

    private IdleConnections<String> pool(int max) {
        return new IdleConnections<>(max, Duration.ofSeconds(10), clock, closed::add);
    }

    @Test
    void theMostRecentlyGivenBackConnectionShouldBeTakenFirst() {
        IdleConnections<String> pool = pool(4);
        pool.give("a");
        pool.give("b");

        assertThat(pool.take()).contains("b");
        assertThat(pool.take()).contains("a");
        assertThat(pool.take()).isEmpty();
        assertThat(closed).isEmpty();
    }

    @Test
    void aConnectionIdleForTheLimitShouldBeClosedNotTaken() {
        IdleConnections<String> pool = pool(4);
        pool.give("old");
        clock.advance(Duration.ofSeconds(5));
        pool.give("young");
        clock.advance(Duration.ofSeconds(5));

        assertThat(pool.take()).contains("young");
        assertThat(closed).containsExactly("old");
        assertThat(pool.size()).isZero();
    }

    @Test
    void beyondTheMaximumTheEldestShouldBeClosed() {
        IdleConnections<String> pool = pool(2);
        pool.give("a");
        pool.give("b");
        pool.give("c");

        assertThat(closed).containsExactly("a");
        assertThat(pool.size()).isEqualTo(2);
    }

    @Test
    void aPoolOfNoneShouldCloseEveryConnectionGivenBack() {
        IdleConnections<String> pool = pool(0);
        pool.give("a");

        assertThat(closed).containsExactly("a");
        assertThat(pool.take()).isEmpty();
    }

    @Test
    void closingShouldCloseTheIdleOnesAndEveryOneGivenBackLater() {
        IdleConnections<String> pool = pool(4);
        pool.give("a");
        pool.close();
        pool.give("late");

        assertThat(closed).containsExactly("a", "late");
        assertThat(pool.take()).isEmpty();
    }
}
