package io.mailgrid.delivery;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Notices when this process stopped running for a while (SIGSTOP, a long garbage-collection pause,
 * a suspended virtual machine): the one case where a node can go on delivering a mail the broker
 * has already given to a peer. The broker drops a connection it has not heard from for the
 * connection TTL, and the peer that takes the mail cannot know the old holder is about to wake.
 *
 * <p>A daemon thread ticks every few milliseconds; a gap of at least {@code threshold} between two
 * ticks is a pause. {@link #check} judges one delivery:
 * <ul>
 * <li>a pause that began while the delivery was under way: {@link Check#stop()} (it may have lost
 *     its mail);</li>
 * <li>a pause that ended shortly before the delivery began, or this process just woke and the ticking
 *     thread has not run yet: {@link Check#waitUntil()}, long enough for the broker client to notice a
 *     connection the broker dropped meanwhile, so the caller then asks the session;</li>
 * <li>otherwise {@link Check#clear()}.</li>
 * </ul>
 * The core is driven by {@link #tick()} with an injected clock, so tests need no sleeps.
 */
public final class PauseDetector implements AutoCloseable {

    /**
     * What a delivery should do now.
     *
     * @param stop      why it must stop, or null
     * @param waitUntil when to ask again ({@link #now()} clock), or 0
     */
    public record Check(String stop, long waitUntil) {

        static final Check CLEAR = new Check(null, 0);

        /** Neither stop nor wait: no pause concerns this delivery. */
        public boolean clear() {
            return stop == null && waitUntil == 0;
        }
    }

    private final long thresholdNanos;
    private final long graceNanos;
    private final long tickNanos;
    private final LongSupplier nanoTime;
    private volatile long lastTick;
    private volatile boolean paused;
    private volatile long pauseStart;
    private volatile long pauseEnd;
    private Thread ticker;

    /**
     * @param threshold the shortest stop that counts as a pause
     * @param grace     how long after a pause the broker client may take to notice a dropped connection
     * @param tick      how often the ticking thread runs
     * @param nanoTime  a monotonic clock in nanoseconds ({@link System#nanoTime()})
     */
    PauseDetector(Duration threshold, Duration grace, Duration tick, LongSupplier nanoTime) {
        this.thresholdNanos = threshold.toNanos();
        this.graceNanos = grace.toNanos();
        this.tickNanos = tick.toNanos();
        this.nanoTime = nanoTime;
        this.lastTick = nanoTime.getAsLong();
    }

    /**
     * A running detector for a broker connection with this TTL and client ping period. The broker
     * gives a silent connection's mails away once it heard nothing for the TTL, and the client pings
     * every {@code pingPeriod}, so only a pause of at least {@code ttl - pingPeriod} can cost a mail;
     * half of that counts as a pause, to keep a margin. After a pause, the client notices a connection
     * the broker dropped at its next ping check, within {@code pingPeriod}: that is the grace.
     */
    public static PauseDetector forConnection(Duration ttl, Duration pingPeriod) {
        Duration threshold = ttl.minus(pingPeriod).dividedBy(2);
        if (threshold.toMillis() < 20) {
            threshold = Duration.ofMillis(20);
        }
        Duration tick = Duration.ofMillis(Math.max(5, Math.min(100, threshold.toMillis() / 10)));
        PauseDetector detector = new PauseDetector(threshold, pingPeriod, tick, System::nanoTime);
        detector.start();
        return detector;
    }

    private void start() {
        ticker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(tickNanos);
                tick();
            }
        }, "mailgrid-pause-detector");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** One tick of the detector's thread: a gap since the last tick of at least the threshold was a pause. */
    void tick() {
        long now = nanoTime.getAsLong();
        long previous = lastTick;
        if (now - previous >= thresholdNanos) {
            pauseStart = previous;
            pauseEnd = now;
            paused = true;
        }
        lastTick = now;
    }

    /** The detector's clock: what {@link #check} expects as the start of a delivery. */
    public long now() {
        return nanoTime.getAsLong();
    }

    /** The shortest stop that counts as a pause. */
    public Duration threshold() {
        return Duration.ofNanos(thresholdNanos);
    }

    /** How long after a pause a delivery waits before it trusts its session again. */
    public Duration grace() {
        return Duration.ofNanos(graceNanos);
    }

    /** What a delivery that began at {@code startedNanos} (from {@link #now()}) should do now. */
    public Check check(long startedNanos) {
        long now = nanoTime.getAsLong();
        if (now - lastTick >= thresholdNanos) {
            // just woke up: the ticking thread will record the pause in a moment
            return new Check(null, now + tickNanos);
        }
        if (!paused) {
            return Check.CLEAR;
        }
        if (pauseStart - startedNanos >= 0) {
            return new Check("this process did not run for " + seconds(pauseEnd - pauseStart)
                    + " s while it held the mail", 0);
        }
        if (now - pauseEnd < graceNanos) {
            return new Check(null, pauseEnd + graceNanos);
        }
        return Check.CLEAR;
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e9);
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.interrupt();
        }
    }
}
