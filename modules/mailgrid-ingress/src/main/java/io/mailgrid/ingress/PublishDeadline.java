package io.mailgrid.ingress;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The time one publish may wait for the broker before its commit; past it, the publishing thread is interrupted.
 *
 * <p>A broker that holds back new messages (its disk is full) grants a producer no credits, and
 * Artemis's client then waits for them without end; the wait is interruptible. Only the sends are
 * guarded ({@link #arm()} to {@link #disarm()}): once the publisher is about to commit, no
 * interrupt can reach it any more, so a publish abandoned at the deadline is always one that was
 * never committed (its session is closed, and the broker discards what it sent). The interrupt this
 * deadline caused is cleared again by {@link #disarm()}, so the thread goes on (the SMTP session,
 * the pickup poll) unaffected.
 *
 * <p>One publish, one thread: create it on the thread that publishes.
 */
final class PublishDeadline {

    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private final Thread owner = Thread.currentThread();
    private final long deadline;
    private ScheduledFuture<?> alarm;
    private boolean armed;
    private boolean passed;
    private boolean interrupted;

    /**
     * @param timer    runs the interrupt at the deadline
     * @param limit    how long the publish may take, from now
     * @param nanoTime the clock ({@link System#nanoTime} outside tests)
     */
    PublishDeadline(ScheduledExecutorService timer, Duration limit, LongSupplier nanoTime) {
        this.timer = timer;
        this.nanoTime = nanoTime;
        this.deadline = nanoTime.getAsLong() + limit.toNanos();
    }

    /**
     * Guards what follows, until {@link #disarm()}: at the deadline the owning thread is interrupted.
     *
     * @return false if the deadline has already passed (do not start)
     */
    synchronized boolean arm() {
        long left = deadline - nanoTime.getAsLong();
        if (passed || left <= 0) {
            passed = true;
            return false;
        }
        armed = true;
        alarm = timer.schedule(this::expire, left, TimeUnit.NANOSECONDS);
        return true;
    }

    /**
     * Ends the guarded part (idempotent): from here on nothing interrupts the thread, and an
     * interrupt this deadline caused is cleared.
     *
     * @return whether the deadline passed while guarded (the publish must then be abandoned)
     */
    synchronized boolean disarm() {
        armed = false;
        if (alarm != null) {
            alarm.cancel(false);
            alarm = null;
        }
        if (interrupted) {
            interrupted = false;
            Thread.interrupted(); // ours, and set before this lock was free: clearing it is exact
        }
        return passed;
    }

    /** Whether the deadline passed while a part was guarded, or before one could start. */
    synchronized boolean passed() {
        return passed;
    }

    private synchronized void expire() {
        if (armed && !passed) {
            passed = true;
            interrupted = true;
            owner.interrupt();
        }
    }
}
