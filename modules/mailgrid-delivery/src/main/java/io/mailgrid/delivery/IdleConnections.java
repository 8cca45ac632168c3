package io.mailgrid.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Connections left idle between two mails, kept for the next one: the most recently used is taken
 * first (so a light load keeps few connections warm), none idle longer than the limit, at most
 * {@code max}; what falls out is handed to the closer, outside the lock (a polite QUIT waits for
 * the peer). Holds only connections whose last exchange ended cleanly: the caller decides that.
 *
 * @param <C> the connection type
 */
final class IdleConnections<C> implements AutoCloseable {

    private record Idle<C>(C connection, Instant since) {
    }

    private final int max;
    private final Duration maxIdle;
    private final Clock clock;
    private final Consumer<C> closer;
    private final Deque<Idle<C>> idle = new ArrayDeque<>();
    private boolean closed;

    /**
     * @param max     connections kept at most; 0 keeps none (every one given back is closed)
     * @param maxIdle a connection idle this long is closed instead of taken: the peer may have timed it out
     * @param clock   the time idle connections are measured with
     * @param closer  closes a connection that is not kept
     */
    IdleConnections(int max, Duration maxIdle, Clock clock, Consumer<C> closer) {
        this.max = max;
        this.maxIdle = maxIdle;
        this.clock = clock;
        this.closer = closer;
    }

    /** The most recently given-back connection that has not been idle too long, if any. */
    Optional<C> take() {
        List<C> expired = new ArrayList<>();
        C taken = null;
        synchronized (this) {
            Instant now = clock.instant();
            while (!idle.isEmpty() && !Duration.between(idle.peekLast().since(), now).minus(maxIdle).isNegative()) {
                expired.add(idle.pollLast().connection());
            }
            Idle<C> newest = idle.pollFirst();
            if (newest != null) {
                taken = newest.connection();
            }
        }
        expired.forEach(closer);
        return Optional.ofNullable(taken);
    }

    /** Keeps a connection for the next mail, or closes it (none kept, closed, or the eldest falls out). */
    void give(C connection) {
        C dropped = connection;
        synchronized (this) {
            if (!closed && max > 0) {
                idle.addFirst(new Idle<>(connection, clock.instant()));
                dropped = idle.size() > max ? idle.pollLast().connection() : null;
            }
        }
        if (dropped != null) {
            closer.accept(dropped);
        }
    }

    /** How many connections wait for reuse now. */
    synchronized int size() {
        return idle.size();
    }

    /** Closes every idle connection; connections given back later are closed at once. */
    @Override
    public void close() {
        List<C> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.forEach(entry -> all.add(entry.connection()));
            idle.clear();
        }
        all.forEach(closer);
    }
}
