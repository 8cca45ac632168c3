package io.mailgrid.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The pace a test client keeps on purpose: a slow sender trickling its mail, a busy client sending
 * NOOPs, an MTA trying again shortly after a 4xx. The client's behaviour under test, never a wait for
 * the system under test (wait for that on a condition, with Awaitility). Steps are due at a fixed rate,
 * so the time a step takes does not stretch the pace; a client that fell behind goes on one interval
 * later rather than in a burst.
 *
 * <p>One client thread owns an instance. Interrupting it (the test ends) ends the pace: {@link #next}
 * throws, and keeps the thread's interrupt flag set.
 */
public final class ClientPace {

    private final long intervalNanos;
    private long due;

    private ClientPace(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a client pace needs a positive interval, got " + interval);
        }
        this.intervalNanos = interval.toNanos();
        this.due = System.nanoTime() + intervalNanos;
    }

    /** A pace of one step per {@code interval}, the first due one interval from now. */
    public static ClientPace every(Duration interval) {
        return new ClientPace(interval);
    }

    /**
     * Holds the client until its next step is due (at once if it is late).
     *
     * @throws IllegalStateException if the client thread is interrupted: the test is over
     */
    public void next() {
        long left;
        while ((left = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("the client's pace was interrupted: the test is over");
            }
        }
        due = Math.max(due, System.nanoTime()) + intervalNanos;
    }
}
