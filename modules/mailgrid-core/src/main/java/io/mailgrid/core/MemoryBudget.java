package io.mailgrid.core;

import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bytes of mail a node may hold in memory at once ({@code mailgrid.memory.mail-budget}), shared by
 * SMTP ingress, the grabbers and the deliveries, so that together they stay inside the heap.
 *
 * <p>Grabbers and deliveries wait for their share ({@link #reserve}): their mail is safe in the
 * broker meanwhile. Ingress never waits ({@link #tryReserve}): while the budget is exhausted its
 * client hears 452 and comes back later. The budget is fair: a reservation that waits is never
 * overtaken, neither by a later waiting one nor by {@link #tryReserve}, so a large mail is not
 * starved by a stream of small ones. Counted in KiB.
 */
public final class MemoryBudget {

    private static final int KIB = 1024;

    private final Semaphore kibibytes;
    private final int totalKib;

    /** @param budgetBytes bytes of mail the node may hold at once */
    public MemoryBudget(long budgetBytes) {
        this.totalKib = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budgetBytes / KIB));
        this.kibibytes = new Semaphore(totalKib, true);
    }

    /** The configured budget ({@link MailgridConfig#MEMORY_MAIL_BUDGET}), or 40% of this JVM's heap when it is empty. */
    public static MemoryBudget from(MailgridConfig config) {
        long bytes = config.isSet(CoreSettingsCatalog.MEMORY_MAIL_BUDGET) ? config.bytes(CoreSettingsCatalog.MEMORY_MAIL_BUDGET)
                : Runtime.getRuntime().maxMemory() * 2 / 5;
        if (bytes < KIB) {
            throw new ConfigException(CoreSettingsCatalog.MEMORY_MAIL_BUDGET + ": must be at least 1KB, got " + bytes + " bytes");
        }
        return new MemoryBudget(bytes);
    }

    /** The whole budget in bytes. */
    public long totalBytes() {
        return (long) totalKib * KIB;
    }

    /** Bytes not reserved right now. */
    public long availableBytes() {
        return (long) kibibytes.availablePermits() * KIB;
    }

    /**
     * Waits until {@code bytes} are free and reserves them. A request larger than the whole budget
     * reserves all of it: that mail then runs alone.
     */
    public Reservation reserve(long bytes) throws InterruptedException {
        int kib = Math.min(totalKib, kib(bytes));
        kibibytes.acquire(kib);
        return new Reservation(kib);
    }

    /**
     * Reserves {@code bytes} now, without waiting; empty when they are not free or another
     * reservation is already waiting for memory.
     */
    public Optional<Reservation> tryReserve(long bytes) {
        int kib = kib(bytes);
        return tryAcquire(kib) ? Optional.of(new Reservation(kib)) : Optional.empty();
    }

    /** Whether {@link #tryReserve} of this many bytes would succeed right now (without reserving them). */
    public boolean couldReserveNow(long bytes) {
        return kib(bytes) <= kibibytes.availablePermits() && !kibibytes.hasQueuedThreads();
    }

    private boolean tryAcquire(int kib) {
        if (kib == 0) {
            return true; // an empty reservation, to grow later
        }
        if (kib > totalKib) {
            return false;
        }
        try {
            // the timed form honours fairness: it never overtakes a reservation that waits
            return kibibytes.tryAcquire(kib, 0, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int kib(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, (Math.max(0, bytes) + KIB - 1) / KIB);
    }

    /** Bytes reserved from the budget until {@link #close()}; may grow. */
    public final class Reservation implements AutoCloseable {

        private int kib;
        private boolean closed;

        private Reservation(int kib) {
            this.kib = kib;
        }

        /** Bytes held. */
        public synchronized long bytes() {
            return (long) kib * KIB;
        }

        /** Reserves {@code moreBytes} more now, without waiting; false (and nothing changes) when they are not free. */
        public synchronized boolean tryGrow(long moreBytes) {
            if (closed) {
                throw new IllegalStateException("reservation already released");
            }
            int more = kib(moreBytes);
            if (!tryAcquire(more)) {
                return false;
            }
            kib += more;
            return true;
        }

        /** Gives the bytes back; later calls do nothing. */
        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                kibibytes.release(kib);
            }
        }
    }
}
