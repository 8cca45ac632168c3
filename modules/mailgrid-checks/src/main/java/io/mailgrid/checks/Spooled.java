package io.mailgrid.checks;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;

/**
 * The content of an attachment or archive entry as far as the mail's {@link UnpackBudget} lets
 * it be held: all of it in memory when it fits (then it can be opened as an archive with random
 * access), else its first bytes, its last bytes and its size, which tell whether it would have
 * been an archive. Streaming formats (tar, gzip, bzip2) need no random access: for them the rest
 * of the stream stays readable after the bytes already held.
 */
final class Spooled implements AutoCloseable {

    /** Bytes kept from the start: enough to recognise every format (tar's magic is at 257). */
    static final int HEAD = 512;
    /** Bytes kept from the end: a zip's end record and the longest archive comment. */
    static final int TAIL = 22 + 0xFFFF;

    private final UnpackBudget budget;
    private Slice held;
    private long heldBytes;
    private final byte[] head;
    private byte[] tail;
    private long size;
    private InputStream rest;

    private Spooled(UnpackBudget budget, byte[] head) {
        this.budget = budget;
        this.head = head;
    }

    /**
     * Reads the stream to its end, or until it no longer fits and its head shows a streaming
     * format (then {@link #rest()} goes on from there).
     *
     * @param sizeHint expected size (an archive's claim, never trusted), or -1
     */
    static Spooled read(InputStream in, UnpackBudget budget, long sizeHint) throws IOException {
        int capacity = (int) Math.max(HEAD, Math.min(sizeHint < 0 ? 64 * 1024 : sizeHint + 1, 1 << 20));
        Spooled spooled = new Spooled(budget, null);
        if (!budget.tryHold(capacity)) {
            return spooled.drain(in, new byte[0], 0);
        }
        spooled.heldBytes = capacity;
        byte[] buffer = new byte[capacity];
        int filled = 0;
        while (true) {
            if (filled == buffer.length) {
                long grown = Math.min((long) buffer.length * 2, Integer.MAX_VALUE - 16);
                if (grown == buffer.length || !budget.tryHold(grown - buffer.length)) {
                    return spooled.overflow(in, buffer, filled);
                }
                spooled.heldBytes = grown;
                buffer = Arrays.copyOf(buffer, (int) grown);
            }
            int n = in.read(buffer, filled, buffer.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        Spooled done = new Spooled(budget, Arrays.copyOf(buffer, Math.min(filled, HEAD)));
        done.held = new Slice(buffer, 0, filled);
        done.heldBytes = spooled.heldBytes;
        done.size = filled;
        return done;
    }

    /** Out of memory budget: stream on if the format allows, else only measure and keep the tail. */
    private Spooled overflow(InputStream in, byte[] buffer, int filled) throws IOException {
        if (ArchiveFormat.of(buffer, Math.min(filled, HEAD)).streaming()) {
            Spooled streaming = new Spooled(budget, Arrays.copyOf(buffer, Math.min(filled, HEAD)));
            streaming.heldBytes = heldBytes;
            streaming.rest = new SequenceInputStream(new ByteArrayInputStream(buffer, 0, filled), in);
            streaming.size = -1;
            return streaming;
        }
        byte[] start = Arrays.copyOf(buffer, Math.min(filled, HEAD));
        byte[] end = Arrays.copyOfRange(buffer, Math.max(0, filled - TAIL), filled);
        budget.release(heldBytes);
        heldBytes = 0;
        Spooled drained = new Spooled(budget, start).drainFrom(in, end, filled);
        return drained;
    }

    private Spooled drain(InputStream in, byte[] start, long already) throws IOException {
        return new Spooled(budget, start).drainFrom(in, new byte[0], already);
    }

    /** Reads the rest only to learn the size and keep the last bytes. */
    private Spooled drainFrom(InputStream in, byte[] end, long already) throws IOException {
        byte[] ring = new byte[TAIL];
        int filled = end.length;
        System.arraycopy(end, 0, ring, 0, end.length);
        long total = already;
        byte[] chunk = new byte[8192];
        byte[] first = head;
        int n;
        while ((n = in.read(chunk)) > 0) {
            if (first.length < HEAD) {
                int take = Math.min(HEAD - first.length, n);
                first = Arrays.copyOf(first, first.length + take);
                System.arraycopy(chunk, 0, first, first.length - take, take);
            }
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
        Spooled drained = new Spooled(budget, first);
        drained.tail = Arrays.copyOf(ring, filled);
        drained.size = total;
        return drained;
    }

    /** Content already in memory (a stored entry, a TNEF attachment): nothing is copied or reserved. */
    static Spooled of(Slice content, UnpackBudget budget) {
        Spooled spooled = new Spooled(budget, content.head(HEAD));
        spooled.held = content;
        spooled.size = content.length();
        return spooled;
    }

    /** The whole content, or null when it did not fit in memory. */
    Slice content() {
        return held;
    }

    /** The stream from the first byte on, for a streaming format that did not fit; else null. */
    InputStream rest() {
        return rest;
    }

    /** The first bytes (up to {@value #HEAD}). */
    byte[] head() {
        return head;
    }

    /** What format the content is, judged from its head and, when it was not held, its tail. */
    ArchiveFormat format() {
        if (held != null) {
            return ArchiveFormat.of(content());
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
