package io.mailgrid.core;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import jakarta.jms.JMSContext;

/**
 * The time a send may wait for the broker to take it before its commit; past it, the sending thread is interrupted.
 *
 * <p>A broker that holds back new messages (its disk is full: {@code min-disk-free},
 * {@code max-disk-usage}) grants a producer no credits, and Artemis's client then waits for them
 * without end; the wait is interruptible. Only the sends are guarded ({@link #arm()} to
 * {@link #disarm()}): a caller disarms before it commits, and from then on no interrupt can reach
 * it, so what is abandoned at the deadline was never committed (its session is closed, and the broker
 * discards what it sent). The interrupt this deadline caused is cleared again by {@link #disarm()},
 * so the thread goes on (an SMTP session, a poll, a command) unaffected (docs/adr/0045).
 *
 * <p>One deadline, one thread: start it on the thread that sends.
 */
public final class SendDeadline {

    /**
     * {@code mailgrid.broker.send-timeout}'s default, for senders built without the settings (tools,
     * tests): Artemis's own timeout for a blocking call such as the commit.
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final ScheduledThreadPoolExecutor TIMER = timer();

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
     * @param limit    how long the sends may take, from now
     * @param nanoTime the clock ({@link System#nanoTime} outside tests)
     */
    SendDeadline(ScheduledExecutorService timer, Duration limit, LongSupplier nanoTime) {
        this.timer = timer;
        this.nanoTime = nanoTime;
        this.deadline = nanoTime.getAsLong() + limit.toNanos();
    }

    /** A deadline {@code limit} from now for the calling thread. */
    public static SendDeadline start(Duration limit) {
        return new SendDeadline(TIMER, limit, System::nanoTime);
    }

    /**
     * Runs {@code send} on a transacted context within {@code timeout}, then commits, never after the deadline.
     *
     * @param what named in the exception, e.g. "the maintenance command for node a"
     * @throws BrokerHoldsBackException if the send did not finish in time: nothing was committed (the
     *         caller closes the context, which discards what was sent)
     */
    public static void sendThenCommit(JMSContext transacted, Duration timeout, String what, Runnable send) {
        SendDeadline deadline = start(timeout);
        if (!deadline.arm()) {
            throw new BrokerHoldsBackException(what, timeout, null);
        }
        try {
            send.run();
        } catch (RuntimeException e) {
            // Artemis reports an interrupted wait for credits as an exception of its own, or wrapped in JMS's
            if (deadline.disarm()) {
                throw new BrokerHoldsBackException(what, timeout, e);
            }
            throw e;
        } finally {
            deadline.disarm();
        }
        if (deadline.passed()) {
            throw new BrokerHoldsBackException(what, timeout, null); // sent, but too late to commit
        }
        transacted.commit();
    }

    /**
     * Reads {@code mailgrid.broker.send-timeout}.
     *
     * @throws ConfigException naming the key when it is not a duration longer than 0
     */
    public static Duration timeout(MailgridConfig config) {
        Duration timeout = config.duration(CoreSettingsCatalog.BROKER_SEND_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ConfigException(CoreSettingsCatalog.BROKER_SEND_TIMEOUT + ": must be longer than 0, got '"
                    + config.string(CoreSettingsCatalog.BROKER_SEND_TIMEOUT) + "'");
        }
        return timeout;
    }

    /**
     * Guards what follows, until {@link #disarm()}: at the deadline the owning thread is interrupted.
     *
     * @return false if the deadline has already passed (do not start)
     */
    public synchronized boolean arm() {
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
     * @return whether the deadline passed while guarded (what was sent must then be abandoned)
     */
    public synchronized boolean disarm() {
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
    public synchronized boolean passed() {
        return passed;
    }

    private synchronized void expire() {
        if (armed && !passed) {
            passed = true;
            interrupted = true;
            owner.interrupt();
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "mailgrid-send-deadline");
            thread.setDaemon(true); // never keeps a command's JVM alive
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // a send in time leaves nothing behind in the queue
        return timer;
    }
}
