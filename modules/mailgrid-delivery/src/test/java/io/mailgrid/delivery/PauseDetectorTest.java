package io.mailgrid.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class PauseDetectorTest {

    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private final PauseDetector detector = new PauseDetector(Duration.ofSeconds(4), Duration.ofSeconds(2),
            Duration.ofMillis(100), now::get);

    private void runFor(double seconds) {
        for (int i = 0; i < seconds * 10; i++) {
            now.addAndGet(SECOND / 10);
            detector.tick();
        }
    }

    private void stopFor(long seconds) {
        now.addAndGet(seconds * SECOND); // SIGSTOP ... SIGCONT
    }

    @Test
    void aDeliveryInAProcessThatKeptRunningShouldGoOn() {
        runFor(1);
        long started = detector.now();
        runFor(30);

        assertThat(detector.check(started).clear()).isTrue();
    }

    @Test
    void aPauseWhileTheDeliveryHeldTheMailShouldStopIt() {
        runFor(1);
        long started = detector.now();
        stopFor(12);
        detector.tick();
        runFor(1);

        assertThat(detector.check(started).stop()).contains("did not run for 12.0 s while it held the mail");
    }

    @Test
    void aProcessThatJustWokeUpShouldWaitForTheTickingThreadThenStop() {
        runFor(1);
        long started = detector.now();
        stopFor(12); // woke up; the delivery thread asks before the ticking thread ran

        PauseDetector.Check woke = detector.check(started);
        assertThat(woke.stop()).isNull();
        assertThat(woke.waitUntil()).isEqualTo(now.get() + SECOND / 10);
        detector.tick();
        assertThat(detector.check(started).stop()).isNotNull();
    }

    @Test
    void aDeliveryThatBeganRightAfterAPauseShouldWaitUntilTheSessionCanBeTrustedThenGoOn() {
        runFor(1);
        stopFor(12);
        long started = detector.now(); // a mail the broker handed over before the pause, taken now
        detector.tick();
        long pauseEnd = detector.now();

        assertThat(detector.check(started)).isEqualTo(new PauseDetector.Check(null, pauseEnd + 2 * SECOND));
        runFor(2);
        assertThat(detector.check(started).clear()).as("then the caller asks its session").isTrue();
    }

    @Test
    void aShortGarbageCollectionPauseShouldNotConcernAnyDelivery() {
        runFor(1);
        long started = detector.now();
        stopFor(2);
        detector.tick();

        assertThat(detector.check(started).clear()).isTrue();
    }

    @Test
    void theThresholdShouldLeaveMarginBelowWhatTheBrokerNeedsToGiveTheMailAway() {
        try (PauseDetector defaults = PauseDetector.forConnection(Duration.ofSeconds(10), Duration.ofSeconds(2))) {
            assertThat(defaults.threshold()).isEqualTo(Duration.ofSeconds(4));
            assertThat(defaults.grace()).isEqualTo(Duration.ofSeconds(2));
            assertThat(defaults.check(defaults.now()).clear()).isTrue();
        }
    }
}
