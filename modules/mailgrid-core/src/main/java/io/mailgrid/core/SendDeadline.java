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
 * <p>At the deadline, before the interrupt, the sender's {@link Diagnosis} says what the send is
 * waiting for ({@link #fault()}): a broker that holds messages back is told from one that cannot be
 * reached or does not answer (docs/adr/0048).
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

    /** What a guarded send is waiting for, asked on the timer's thread at the deadline, before the interrupt. */
    @FunctionalInterface
    public interface Diagnosis {
        /** @param sender the thread that sends, still waiting */
        BrokerFault of(Thread sender);
    }

    /** Without a connection to watch: the sender's stack alone tells a wait for credits. */
    private static final Diagnosis BY_STACK = CreditWait::fault;

    private final ScheduledExecutorService timer;
    private final LongSupplier nanoTime;
    private final Thread owner = Thread.currentThread();
    private final long deadline;
    private ScheduledFuture<?> alarm;
    private boolean armed;
    private boolean passed;
    private boolean interrupted;
    private Diagnosis diagnosis = BY_STACK;
    private BrokerFault fault;

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
     * @throws BrokerDidNotTakeException if the send did not finish in time, or the connection was lost
     *         before it did: nothing was committed (the caller closes the context, which discards what was
     *         sent). Its {@link BrokerDidNotTakeException#fault() fault} says why
     */
    public static void sendThenCommit(JMSContext transacted, Duration timeout, String what, Runnable send) {
        SendDeadline deadline = start(timeout);
        ConnectionWatch watch = new ConnectionWatch();
        if (!deadline.arm(watch::diagnose)) {
            throw new BrokerDidNotTakeException(BrokerFault.NO_ANSWER, what, timeout, null);
        }
        try {
            watch.connected(transacted);
            send.run();
        } catch (RuntimeException e) {
            // Artemis reports an interrupted wait for credits as an exception of its own, or wrapped in JMS's
            if (deadline.disarm()) {
                throw new BrokerDidNotTakeException(deadline.fault(), what, timeout, e);
            }
            if (watch.failedBy(e)) {
                throw new BrokerDidNotTakeException(BrokerFault.UNREACHABLE, what, e);
            }
            throw e;
        } finally {
            deadline.disarm();
        }
        if (deadline.passed()) {
            // sent, but too late to commit
            throw new BrokerDidNotTakeException(deadline.fault(), what, timeout, null);
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
     * Why it had not finished is then read from its stack alone ({@link CreditWait}).
     *
     * @return false if the deadline has already passed (do not start)
     */
    public synchronized boolean arm() {
        return arm(BY_STACK);
    }

    /**
     * As {@link #arm()}, with what tells why the send had not finished at the deadline.
     *
     * @return false if the deadline has already passed (do not start)
     */
    public synchronized boolean arm(Diagnosis diagnosis) {
        this.diagnosis = diagnosis;
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

    /**
     * Why the deadline passed: what the guarded send was waiting for then, or {@link BrokerFault#NO_ANSWER}
     * when it passed before a part could start; null while it has not passed.
     */
    public synchronized BrokerFault fault() {
        return passed && fault == null ? BrokerFault.NO_ANSWER : fault;
    }

    /** Whether the deadline passed while a part was guarded, or before one could start. */
    public synchronized boolean passed() {
        return passed;
    }

    private synchronized void expire() {
        if (armed && !passed) {
            passed = true;
            fault = diagnose();
            interrupted = true;
            owner.interrupt();
        }
    }

    /** What the sender waits for; a diagnosis that fails must not keep the interrupt from coming. */
    private BrokerFault diagnose() {
        try {
            BrokerFault found = diagnosis.of(owner);
            return found == null ? BrokerFault.NO_ANSWER : found;
        } catch (RuntimeException e) {
            return BrokerFault.NO_ANSWER;
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
