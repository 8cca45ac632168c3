package io.mailgrid.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;


class SendDeadlineTest {

    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

    {
        timer.setRemoveOnCancelPolicy(true);
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
        Thread.interrupted();
    }

    @Test
    void aSendWaitingForCreditsPastTheDeadlineShouldBeInterruptedAndTheInterruptClearedAfterwards() {
        SendDeadline deadline = new SendDeadline(timer, Duration.ofMillis(50), System::nanoTime);
        Semaphore credits = new Semaphore(0); // the broker grants none, as with a full disk
        assertThat(deadline.arm()).isTrue();
        long start = System.nanoTime();
        assertThatThrownBy(() -> credits.tryAcquire(1, 10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat((System.nanoTime() - start) / 1_000_000).as("at the deadline, not at the wait's own end").isLessThan(5_000);
        assertThat(deadline.disarm()).as("the publish must be abandoned").isTrue();
        assertThat(Thread.currentThread().isInterrupted()).as("the thread goes on unaffected").isFalse();
        assertThat(deadline.arm()).as("no second try on the same deadline").isFalse();
    }

    @Test
    void theDiagnosisShouldBeAskedAtTheDeadlineWhileTheSenderStillWaitsAndGiveTheFault() throws Exception {
        SendDeadline deadline = new SendDeadline(timer, Duration.ofMillis(50), System::nanoTime);
        Thread sender = Thread.currentThread();
        java.util.List<Thread.State> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        assertThat(deadline.arm(waiting -> {
            seen.add(waiting.getState());
            return waiting == sender ? BrokerFault.UNREACHABLE : null;
        })).isTrue();
        assertThat(deadline.fault()).as("not passed yet").isNull();
        assertThatThrownBy(() -> new Semaphore(0).tryAcquire(1, 10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(deadline.disarm()).isTrue();
        assertThat(deadline.fault()).isEqualTo(BrokerFault.UNREACHABLE);
        assertThat(seen).as("asked once, before the interrupt ended the wait").containsExactly(Thread.State.TIMED_WAITING);
    }

    @Test
    void aSendWaitingForSomethingElseThanCreditsShouldCountAsNoAnswerNeverAsHeldBack() {
        SendDeadline deadline = new SendDeadline(timer, Duration.ofMillis(50), System::nanoTime);
        assertThat(deadline.arm()).isTrue(); // a plain semaphore: not Artemis's credit wait
        assertThatThrownBy(() -> new Semaphore(0).tryAcquire(1, 10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        deadline.disarm();
        assertThat(deadline.fault()).isEqualTo(BrokerFault.NO_ANSWER);
    }

    @Test
    void aDiagnosisThatFailsShouldNotKeepTheInterruptFromComing() {
        SendDeadline deadline = new SendDeadline(timer, Duration.ofMillis(50), System::nanoTime);
        assertThat(deadline.arm(waiting -> {
            throw new IllegalStateException("broken");
        })).isTrue();
        assertThatThrownBy(() -> new Semaphore(0).tryAcquire(1, 10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        deadline.disarm();
        assertThat(deadline.fault()).isEqualTo(BrokerFault.NO_ANSWER);
    }

    @Test
    void aDeadlineDisarmedBeforeItPassesShouldNeverInterruptTheCommitThatFollows() {
        AtomicLong now = new AtomicLong();
        SendDeadline deadline = new SendDeadline(timer, Duration.ofMillis(20), now::get);
        assertThat(deadline.arm()).isTrue();
        assertThat(deadline.disarm()).isFalse();
        assertThat(timer.getQueue()).as("its alarm is gone: nothing can interrupt the commit").isEmpty();
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(deadline.passed()).isFalse();
    }

    @Test
    void aDeadlineAlreadyPassedShouldRefuseToArm() {
        AtomicLong now = new AtomicLong();
        SendDeadline deadline = new SendDeadline(timer, Duration.ofSeconds(1), now::get);
        now.set(Duration.ofSeconds(1).toNanos());
        assertThat(deadline.arm()).isFalse();
        assertThat(deadline.passed()).isTrue();
    }

    @Test
    void aSendTimeoutThatIsNotALengthOfTimeShouldStopTheStartNamingTheKey() {
        for (String bad : new String[] {"0", "-5s", "soon"}) {
            assertThatThrownBy(() -> SendDeadline.timeout(MailgridConfig.of(Map.of(CoreSettingsCatalog.BROKER_SEND_TIMEOUT, bad))))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining(CoreSettingsCatalog.BROKER_SEND_TIMEOUT);
        }
        assertThat(SendDeadline.timeout(MailgridConfig.of(Map.of(CoreSettingsCatalog.BROKER_SEND_TIMEOUT, "30s"))))
                .isEqualTo(Duration.ofSeconds(30));
    }
}
