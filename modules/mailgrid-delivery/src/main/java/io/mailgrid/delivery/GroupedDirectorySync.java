package io.mailgrid.delivery;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Flushes directories to disk for many deliveries at once (group commit): a caller returns once a
 * flush of the directory that <em>began after</em> its call has succeeded. A flush covers every
 * change made to the directory before it began, so deliveries that finish their renames and links
 * while one flush runs share the next one instead of each starting its own, and none returns on a
 * flush that may have missed its change.
 */
final class GroupedDirectorySync {

    /** The flush of one directory (fsync), called by one caller at a time per directory. */
    @FunctionalInterface
    interface Force {
        void force(Path directory) throws IOException;
    }

    private final Force force;
    private final Map<Path, Group> groups = new ConcurrentHashMap<>();

    GroupedDirectorySync(Force force) {
        this.force = force;
    }

    /** Returns once every change made to {@code directory} before this call is on disk. */
    void sync(Path directory) throws IOException {
        groups.computeIfAbsent(directory, d -> new Group()).sync(directory);
    }

    /** Callers waiting for a flush of some directory right now (for tests). */
    int waiting() {
        return groups.values().stream().mapToInt(g -> g.waiting).sum();
    }

    /** The flushes of one directory: tickets in the order callers came, and how far the last good flush reached. */
    private final class Group {
        private long requested;
        private long flushed;
        private boolean running;
        private int waiting;

        void sync(Path directory) throws IOException {
            long upTo;
            synchronized (this) {
                long ticket = ++requested; // this caller's change is done: a flush beginning from now on covers it
                while (flushed < ticket && running) {
                    waiting++;
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted waiting for " + directory + " to be flushed");
                    } finally {
                        waiting--;
                    }
                }
                if (flushed >= ticket) {
                    return;
                }
                running = true;
                upTo = requested; // every ticket up to here was taken before this flush begins
            }
            boolean done = false;
            try {
                force.force(directory);
                done = true;
            } finally {
                synchronized (this) {
                    running = false;
                    if (done) {
                        flushed = Math.max(flushed, upTo);
                    }
                    // after a failed flush the next waiter flushes again, for itself and those behind it
                    notifyAll();
                }
            }
        }
    }
}
