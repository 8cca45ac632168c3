package io.mailgrid.checks;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The content of an attachment or archive entry, held in memory only when it must be: a zip or
 * TNEF needs random access (a zip is read from its end), so it is held, within the mail's
 * {@link UnpackBudget}; tar, gzip and bzip2 are read front to back from the stream; anything else
 * is read through once, keeping its first and last bytes, which tell whether it is a zip behind a
 * prefix after all. Then, if it can be read again ({@link Reread}: a MIME part, a zip entry), it is
 * read again into memory; if not, it is held from the start when it fits.
 */
final class Spooled implements AutoCloseable {

    /** Bytes kept from the start: enough to recognise every format (tar's magic is at 257). */
    static final int HEAD = 512;
    /** Bytes kept from the end: a zip's end record and the longest archive comment. */
    static final int TAIL = 22 + 0xFFFF;

    /** Reads the same content again, held in memory. */
    interface Reread {
        Spooled hold() throws IOException;
    }

    private final UnpackBudget budget;
    private final byte[] head;
    private Slice held;
    private long heldBytes;
    private byte[] tail;
    private long size;
    private InputStream rest;
    private Reread reread;

    private Spooled(UnpackBudget budget, byte[] head) {
        this.budget = budget;
        this.head = head;
    }

    /**
     * Reads the content as its first bytes say: held (zip, TNEF; and anything when it cannot be
     * read again), streamed (tar, gzip, bzip2: {@link #rest()}), or read through keeping head and tail.
     *
     * @param sizeHint expected size (an archive's claim, never trusted), or -1
     * @param reread   how to read it again, or null when it cannot be
     */
    static Spooled read(InputStream in, UnpackBudget budget, long sizeHint, Reread reread) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, HEAD);
        buffered.mark(HEAD);
        byte[] head = buffered.readNBytes(HEAD);
        buffered.reset();
        ArchiveFormat format = ArchiveFormat.of(head, head.length);
        if (format.streaming()) {
            Spooled streaming = new Spooled(budget, head);
            streaming.rest = buffered;
            streaming.size = -1;
            return streaming;
        }
        boolean randomAccess = format == ArchiveFormat.ZIP || format == ArchiveFormat.TNEF;
        if (!randomAccess && (reread != null || format != ArchiveFormat.NONE)) {
            Spooled measured = new Spooled(budget, head).drainFrom(buffered);
            measured.reread = reread;
            return measured;
        }
        return hold(buffered, head, budget, sizeHint);
    }

    /** Reads the content into memory, as far as the budget allows; else only measures it. */
    static Spooled hold(InputStream in, UnpackBudget budget, long sizeHint) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, HEAD);
        buffered.mark(HEAD);
        byte[] head = buffered.readNBytes(HEAD);
        buffered.reset();
        return hold(buffered, head, budget, sizeHint);
    }

    private static Spooled hold(InputStream in, byte[] head, UnpackBudget budget, long sizeHint) throws IOException {
        int capacity = (int) Math.max(HEAD, Math.min(sizeHint < 0 ? 64 * 1024 : sizeHint + 1, 1 << 20));
        if (!budget.tryHold(capacity)) {
            return new Spooled(budget, head).drainFrom(in);
        }
        long reserved = capacity;
        Spooled done = null;
        try {
            byte[] buffer = new byte[capacity];
            int filled = 0;
            while (true) {
                if (filled == buffer.length) {
                    // grow by doubling, but never past what the budget has left
                    long room = budget.memory() - budget.held();
                    long grown = Math.min(Math.min((long) buffer.length * 2, buffer.length + room), Integer.MAX_VALUE - 16);
                    if (grown <= buffer.length || !budget.tryHold(grown - buffer.length)) {
                        budget.release(reserved);
                        reserved = 0;
                        byte[] end = Arrays.copyOfRange(buffer, Math.max(0, filled - TAIL), filled);
                        buffer = null;
                        return new Spooled(budget, head).drainFrom(in, end, filled);
                    }
                    reserved = grown;
                    buffer = Arrays.copyOf(buffer, (int) grown);
                }
                int n = in.read(buffer, filled, buffer.length - filled);
                if (n < 0) {
                    break;
                }
                filled += n;
            }
            done = new Spooled(budget, head);
            done.held = new Slice(buffer, 0, filled);
            done.heldBytes = reserved;
            done.size = filled;
            return done;
        } finally {
            if (done == null) {
                // found by fuzzing: memory reserved for content that failed to read is given back
                budget.release(reserved);
            }
        }
    }

    /** Content already in memory (a stored entry, a TNEF attachment): nothing is copied or reserved. */
    static Spooled of(Slice content, UnpackBudget budget) {
        Spooled spooled = new Spooled(budget, content.head(HEAD));
        spooled.held = content;
        spooled.size = content.length();
        return spooled;
    }

    private Spooled drainFrom(InputStream in) throws IOException {
        return drainFrom(in, new byte[0], 0);
    }

    /** Reads the rest only to learn the size and keep the last bytes. */
    private Spooled drainFrom(InputStream in, byte[] end, long already) throws IOException {
        byte[] ring = new byte[TAIL];
        int filled = end.length;
        System.arraycopy(end, 0, ring, 0, end.length);
        long total = already;
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) > 0) {
            total += n;
            if (filled + n > ring.length) {
                int keep = Math.max(0, ring.length - n);
                System.arraycopy(ring, filled - keep, ring, 0, keep);
                filled = keep;
            }
            int copy = Math.min(n, ring.length);
            System.arraycopy(chunk, n - copy, ring, filled, copy);
            filled += copy;
        }
        tail = Arrays.copyOf(ring, filled);
        size = total;
        return this;
    }

    /** The whole content, or null when it is not in memory. */
    Slice content() {
        return held;
    }

    /** The stream from the first byte on, for a streaming format; else null. */
    InputStream rest() {
        return rest;
    }

    /** The content read again into memory, when it was only measured and can be read again; else null. */
    Spooled reread() throws IOException {
        return held == null && rest == null && reread != null ? reread.hold() : null;
    }

    /** The first bytes (up to {@value #HEAD}). */
    byte[] head() {
        return head;
    }

    /** What format the content is, judged from its head and, when it was not held, its tail. */
    ArchiveFormat format() {
        if (held != null) {
            return ArchiveFormat.of(held);
        }
        if (rest != null) {
            return ArchiveFormat.of(head, head.length);
        }
        return ArchiveFormat.of(head, tail);
    }

    /** Size in bytes; -1 while the rest is still to be streamed. */
    long size() {
        return size;
    }

    @Override
    public void close() {
        budget.release(heldBytes);
        heldBytes = 0;
        held = null;
        rest = null;
    }
}
