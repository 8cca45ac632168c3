package io.mailgrid.checks;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Talks to one clamd: scans mails on pooled IDSESSION connections (or one connection per scan
 * with a pool size of 0), each scan bounded by a deadline.
 *
 * <p>Deadlines: blocking socket channels have no read timeout, so a timer closes the channel when
 * the time is up, which ends a blocked connect, write or read at once. A connection whose scan
 * failed or timed out is closed, never pooled: its late reply must not answer the next scan.
 *
 * <p>A pooled connection that fails before any byte of the reply arrived was closed by clamd while
 * idle (its ReadTimeout, a restart): the scan is repeated once on a new connection. Scanning is
 * idempotent, so this cannot change a verdict, only save a retry of the whole mail.
 */
final class ClamdClient implements AutoCloseable {

    /** A pooled connection idle longer than this is closed rather than reused (clamd's ReadTimeout is 120 s by default). */
    static final Duration MAX_IDLE = Duration.ofSeconds(30);

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final ClamdAddress address;
    private final int poolSize;
    private final Duration connectTimeout;
    private final Duration timeout;
    private final Deque<ClamdConnection> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param address        where clamd listens
     * @param poolSize       sessions kept open for reuse; 0 = a new connection for every scan
     * @param connectTimeout longest wait for clamd to accept a connection
     * @param timeout        longest one scan may take once connected
     */
    ClamdClient(ClamdAddress address, int poolSize, Duration connectTimeout, Duration timeout) {
        this.address = address;
        this.poolSize = poolSize;
        this.connectTimeout = connectTimeout;
        this.timeout = timeout;
    }

    /** clamd could not be reached: nothing was scanned, and the check is unavailable until it can. */
    static final class UnreachableException extends IOException {
        private static final long serialVersionUID = 1L;

        UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** clamd did not answer in time; the connection was closed. */
    static final class TimedOutException extends IOException {
        private static final long serialVersionUID = 1L;

        TimedOutException(String message) {
            super(message);
        }
    }

    /** Scans one mail; any failure to get an answer is an IOException, never a verdict. */
    ClamdReply scan(byte[] mail) throws IOException {
        ClamdConnection pooled = borrow();
        if (pooled != null) {
            try {
                return scanOn(pooled, mail);
            } catch (TimedOutException | ClosedByInterruptException e) {
                throw e;
            } catch (IOException e) {
                if (pooled.replyStarted() || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                // stale: clamd closed it while it waited in the pool; one more try on a new connection
            }
        }
        return scanOn(connect(poolSize > 0), mail);
    }

    private ClamdReply scanOn(ClamdConnection connection, byte[] mail) throws IOException {
        boolean keep = false;
        try (Deadline deadline = Deadline.in(connection.channel(), timeout)) {
            ClamdReply reply;
            try {
                reply = connection.instream(mail);
            } catch (IOException e) {
                throw deadline.passed() ? new TimedOutException("clamd gave no answer within " + timeout.toMillis() + " ms") : e;
            }
            keep = reply.kind() != ClamdReply.Kind.ERROR; // after an error clamd may have closed or confused the session
            return reply;
        } finally {
            if (keep) {
                release(connection);
            } else {
                connection.close();
            }
        }
    }

    /**
     * The daemon's version line ({@code ClamAV 1.4.6/27000/Mon Dec  1 09:00:00 2026}) and whether it
     * scans: VERSION, then a scan of a few harmless bytes, on a new connection, all within the
     * connect timeout. clamd can answer PING while every scan fails (a failed database reload).
     */
    Probe probe() throws IOException {
        try (ClamdConnection connection = connect(true); Deadline deadline = Deadline.in(connection.channel(), connectTimeout)) {
            try {
                String version = connection.command("VERSION");
                ClamdReply reply = connection.instream(PROBE);
                return new Probe(ClamdReply.printable(version), reply);
            } catch (IOException e) {
                if (deadline.passed()) {
                    throw new TimedOutException("clamd gave no answer within " + connectTimeout.toMillis() + " ms");
                }
                throw e;
            }
        }
    }

    /** What a probe found: clamd's version line and its answer to the probe scan. */
    record Probe(String version, ClamdReply reply) {
    }

    /** A few bytes that no signature matches. */
    private static final byte[] PROBE = "Mailgrid clamd probe: a few harmless bytes\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ClamdConnection connect(boolean session) throws IOException {
        SocketChannel channel = address.open();
        try (Deadline deadline = Deadline.in(channel, connectTimeout)) {
            try {
                channel.connect(address.socketAddress());
                return new ClamdConnection(channel, session);
            } catch (IOException e) {
                channel.close();
                if (e instanceof ClosedByInterruptException) {
                    throw e;
                }
                String why = deadline.passed() ? "no connection within " + connectTimeout.toMillis() + " ms"
                        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                throw new UnreachableException("cannot connect to clamd at " + address + ": " + why, e);
            }
        }
    }

    private ClamdConnection borrow() {
        ClamdConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (System.nanoTime() - connection.lastUsedNanos() < MAX_IDLE.toNanos() && connection.inSession()) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private void release(ClamdConnection connection) {
        if (closed || !connection.inSession()) {
            connection.close();
            return;
        }
        if (idleCount.incrementAndGet() > poolSize) {
            idleCount.decrementAndGet();
            connection.close();
            return;
        }
        idle.offerFirst(connection);
        if (closed && idle.remove(connection)) { // closed meanwhile: nobody will take it
            idleCount.decrementAndGet();
            connection.close();
        }
    }

    /** Connections waiting in the pool now. */
    int idleConnections() {
        return idle.size();
    }

    @Override
    public void close() {
        closed = true;
        ClamdConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            connection.close();
        }
    }

    @Override
    public String toString() {
        return address + (poolSize > 0 ? ", " + poolSize + " pooled sessions" : ", a connection per scan");
    }

    /** Closes a channel when its time is up; {@link #passed()} tells whether it did. */
    private static final class Deadline implements AutoCloseable {
        private final AtomicBoolean fired = new AtomicBoolean();
        private final ScheduledFuture<?> task;

        private Deadline(SocketChannel channel, Duration after) {
            this.task = TIMER.schedule(() -> {
                fired.set(true);
                try {
                    channel.close();
                } catch (IOException e) {
                    // closed either way
                }
            }, after.toNanos(), TimeUnit.NANOSECONDS);
        }

        static Deadline in(SocketChannel channel, Duration after) {
            return new Deadline(channel, after);
        }

        boolean passed() {
            return fired.get();
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "mailgrid-clamd-deadline");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // a cancelled 2-minute deadline per scan must not pile up
        return timer;
    }
}
